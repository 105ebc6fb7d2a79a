from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal.problems import problem_text
from appraisal.requests import AuthenticatedRequest
from notifications.models import Notification, Preference
from notifications.services import mark_read, preference, preference_set, unread_count


@login_required
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    rows = Notification.objects.filter(recipient=request.user).only(
        "pk", "subject", "url", "created_at", "read_at", "kind"
    )
    query = request.GET.get("q", "").strip()[:100]
    if query:
        rows = rows.filter(subject__icontains=query)
    show = request.GET.get("show", "")
    if show == "unread":
        rows = rows.filter(read_at__isnull=True)
    rows = rows.order_by("created_at" if request.GET.get("sort") == "old" else "-created_at", "-pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "preference": preference(request.user),
            "modes": Preference.Mode.choices,
            "languages": settings.LANGUAGES,
            "query": query,
            "show": show,
            "sort": request.GET.get("sort", ""),
        },
    )


@login_required
def notification_count(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "notifications/_count.html", {"count": unread_count(request.user)})


@require_POST
@login_required
def notification_open(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Mark read, then go where the notification points."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    mark_read(user=request.user, notification_id=notification.pk)
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "notification_list"
    return redirect(target)


@require_POST
@login_required
def notification_read_all(request: AuthenticatedRequest) -> HttpResponse:
    count = mark_read(user=request.user)
    messages.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": count})
    return redirect("notification_list")


@require_POST
@login_required
def notification_preferences(request: AuthenticatedRequest) -> HttpResponse:
    try:
        preference_set(
            user=request.user,
            email_mode=request.POST.get("email_mode", ""),
            language=request.POST.get("language", ""),
        )
    except ValidationError as exc:
        messages.error(request, problem_text(exc))
    else:
        messages.success(request, _("Đã lưu cách nhận thông báo."))
    return redirect("notification_list")
