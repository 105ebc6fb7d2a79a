"""The pickers that find a person or an organisation as the secretariat types (htmx)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.utils.html import format_html_join

from appraisal import permissions
from appraisal.forms.common import (
    program_organisations,
)
from appraisal.requests import AuthenticatedRequest
from appraisal.views.people import people_program

PICKER_SIZE = 20


def _typed(request: AuthenticatedRequest) -> str:
    """What the user typed: the picker sends its input under the field's own name."""
    for key in request.GET:
        if key != "page":
            return request.GET.get(key, "").strip()[:100]
    return ""


@login_required
def people_search(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """<option>s of active people matching what was typed (name, login or e-mail)."""
    program, secretariat, _led = people_program(request, pk)
    permissions.require(secretariat)
    text = _typed(request)
    people = get_user_model().objects.filter(is_active=True)
    if text:
        people = people.filter(
            Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
            | Q(username__icontains=text)
            | Q(email__icontains=text)
        )
    people = people.order_by("first_name", "username")[:PICKER_SIZE]
    return HttpResponse(
        format_html_join(
            "",
            '<option value="{}">{} — {}</option>',
            ((p.username, p.get_full_name() or p.username, p.email or p.username) for p in people),
        )
    )


@login_required
def organisation_search(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """<option>s of the program's organisations matching a code or a name."""
    program, secretariat, _led = people_program(request, pk)
    permissions.require(secretariat)
    text = _typed(request)
    organisations = program_organisations(program)
    if text:
        organisations = organisations.filter(
            Q(code__icontains=text) | Q(name_vi__icontains=text) | Q(name_en__icontains=text)
        )
    organisations = organisations.order_by("kind", "code")[:PICKER_SIZE]
    return HttpResponse(
        format_html_join(
            "",
            '<option value="{}">{}</option>',
            ((org.code, org.name) for org in organisations),
        )
    )
