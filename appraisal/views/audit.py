"""The program's audit log for the secretariat: searched, filtered and paged in the browser,
and exported as CSV with the same filters."""

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisal import permissions
from appraisal.models import Program
from appraisal.requests import AuthenticatedRequest
from workflow.labels import field_label
from workflow.models import AuditEvent, AuditKind

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm (người, thao tác, trường, giá trị, lý do)"), required=False, max_length=100
    )
    kind = forms.ChoiceField(
        label=_("Loại"), required=False, choices=[("", _("Tất cả")), *AuditKind.choices]
    )
    since = forms.DateField(
        label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label=_("Thứ tự"),
        required=False,
        choices=[("-seq", _("Mới nhất trước")), ("seq", _("Cũ nhất trước"))],
    )


def audit_events(program: Program, data: dict | None):
    """The program's audit rows, filtered as the form says (every row when it says nothing)."""
    events = AuditEvent.objects.filter(program_id=program.pk)
    if not data:
        return events.order_by("-seq")
    if data.get("q"):
        text = data["q"].strip()
        events = events.filter(
            Q(actor_name__icontains=text)
            | Q(action__icontains=text)
            | Q(field__icontains=text)
            | Q(old_value__icontains=text)
            | Q(new_value__icontains=text)
            | Q(comment__icontains=text)
        )
    if data.get("kind"):
        events = events.filter(kind=data["kind"])
    zone = timezone.get_current_timezone()
    if data.get("since"):
        start = datetime.datetime.combine(data["since"], datetime.time.min, tzinfo=zone)
        events = events.filter(created_at__gte=start)
    if data.get("until"):
        end = datetime.datetime.combine(
            data["until"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        events = events.filter(created_at__lt=end)
    return events.order_by(data.get("sort") or "-seq")


@login_required
def audit_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    permissions.require(permissions.is_secretariat(request.user, program))
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else None
    page = Paginator(audit_events(program, data), PAGE_SIZE).get_page(request.GET.get("page"))
    kinds = dict(AuditKind.choices)
    for event in page:
        event.kind_label = kinds.get(event.kind, event.kind)
        code, label = field_label(event.field) if event.field else ("", "")
        event.field_label = f"{code} · {label}" if code else label
    return render(
        request,
        "appraisal/audit_list.html",
        {
            "program": program,
            "form": form,
            "page": page,
            "query": request.GET.urlencode(),
        },
        status=200 if form.is_valid() or not request.GET else 400,
    )
