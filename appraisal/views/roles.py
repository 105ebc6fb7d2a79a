from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import permissions
from appraisal.forms.people import RoleFilterForm, RoleGrantForm
from appraisal.models import Program, RoleAssignment
from appraisal.problems import problem_text
from appraisal.requests import AuthenticatedRequest, client_ip
from workflow.services.roles import role_grant
from workflow.services.roles import role_revoke as role_revoke_service


def _program_for_secretariat(request: AuthenticatedRequest, pk: int) -> Program:
    program = get_object_or_404(Program, pk=pk)
    if not permissions.can_view_program(request.user, program):
        raise PermissionDenied
    permissions.require(permissions.is_secretariat(request.user, program))
    return program


@login_required
def role_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The roles of a program; the secretariat grants and revokes them here."""
    program = _program_for_secretariat(request, pk)
    grant_form = RoleGrantForm(
        request.POST or None,
        program=program,
        search_url=reverse("people_search", args=(program.pk,)),
    )
    if request.method == "POST" and grant_form.is_valid():
        data = grant_form.cleaned_data
        try:
            role_grant(
                user=data["user"],
                program=program,
                role=data["role"],
                organisation=data["organisation"],
                actor=request.user,
                ip=client_ip(request),
            )
        except ValidationError as exc:
            grant_form.add_error(None, exc)
        else:
            messages.success(
                request, _("Đã cấp quyền cho %(name)s.") % {"name": data["user"].get_username()}
            )
            return redirect("role_list", pk=program.pk)
    assignments = RoleAssignment.objects.filter(program=program).select_related(
        "user", "organisation", "granted_by"
    )
    filters = RoleFilterForm(request.GET or None)
    if filters.is_valid():
        if filters.cleaned_data["q"]:
            text = filters.cleaned_data["q"]
            assignments = assignments.filter(
                Q(user__username__icontains=text) | Q(organisation__code__icontains=text)
            )
        if filters.cleaned_data["role"]:
            assignments = assignments.filter(role=filters.cleaned_data["role"])
    page = Paginator(
        assignments.order_by("role", "organisation__code", "user__username"), 100
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "appraisal/role_list.html",
        {"program": program, "page": page, "grant_form": grant_form, "filters": filters},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def role_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(RoleAssignment.objects.select_related("program", "user"), pk=pk)
    _program_for_secretariat(request, assignment.program_id)
    try:
        role_revoke_service(assignment=assignment, actor=request.user, ip=client_ip(request))
    except ValidationError as exc:
        messages.error(request, problem_text(exc))
    else:
        messages.success(
            request, _("Đã thu hồi quyền của %(name)s.") % {"name": assignment.user.get_username()}
        )
    return redirect("role_list", pk=assignment.program_id)
