"""The people of a program: the secretariat invites (one, or a list from a file), approves
the focal points unit leaders propose, disables and enables accounts; a unit's leader sees
their unit's people and proposes focal points. Search pickers for people and organisations."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import permissions
from appraisal.forms.people import (
    PEOPLE_SORTS,
    InviteForm,
    PeopleFileForm,
    PeopleFilterForm,
    ProposeForm,
)
from appraisal.models import Invitation, Organisation, Program, RoleAssignment
from appraisal.models.people import invitation_tokens
from appraisal.problems import ProblemsError, problem_text
from appraisal.requests import AuthenticatedRequest, client_ip
from appraisal.selectors.people import (
    STATE_ORDER,
    PersonState,
    leader_organisations,
    people_queryset,
    positions,
)
from workflow.services import people as people_service
from workflow.services.people import PersonInput
from workflow.services.people_lists import people_invite, people_read

PAGE_SIZE = 50
STATE_BY_ORDER = {order: state for state, order in STATE_ORDER.items()}
SESSION_KEY = "people_import"


def people_program(
    request: AuthenticatedRequest, pk: int
) -> tuple[Program, bool, list[Organisation]]:
    """The program, whether the user is its secretariat, and the units they lead."""
    program = get_object_or_404(Program.objects.select_related("owner"), pk=pk)
    secretariat = permissions.is_secretariat(request.user, program)
    led = [] if secretariat else leader_organisations(request.user, program)
    permissions.require(secretariat or bool(led))
    return program, secretariat, led


def _filtered(request: AuthenticatedRequest, program: Program, led):
    filters = PeopleFilterForm(request.GET or None)
    people = people_queryset(program, led)
    sort = PEOPLE_SORTS["name"]
    if filters.is_valid():
        data = filters.cleaned_data
        if data["q"]:
            text = data["q"].strip()
            people = people.filter(
                Q(first_name__icontains=text)
                | Q(last_name__icontains=text)
                | Q(username__icontains=text)
                | Q(email__icontains=text)
            )
        if data["role"]:
            people = people.filter(
                pk__in=RoleAssignment.objects.filter(program=program, role=data["role"]).values(
                    "user_id"
                )
            )
        if data["organisation"]:
            people = people.filter(
                pk__in=RoleAssignment.objects.filter(
                    program=program, organisation__code__iexact=data["organisation"].strip()
                ).values("user_id")
            )
        if data["state"]:
            # `state_order` is annotated by people_queryset
            people = people.filter(state_order=STATE_ORDER[data["state"]])  # type: ignore[misc]
        sort = PEOPLE_SORTS.get(data["sort"] or "name", sort)
    return filters, people.order_by(*sort, "pk")


@login_required
def people_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program, secretariat, led = people_program(request, pk)
    search_url = reverse("organisation_search", args=(program.pk,))
    invite_form = InviteForm(program=program, search_url=search_url, prefix="invite")
    file_form = PeopleFileForm(prefix="file")
    propose_form = ProposeForm(organisations=led, prefix="propose") if led else None
    status, preview = 200, None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "invite" and secretariat:
            invite_form = InviteForm(
                request.POST, program=program, search_url=search_url, prefix="invite"
            )
            if invite_form.is_valid() and _invite_one(request, program, invite_form):
                return redirect(request.get_full_path())
        elif action == "file" and secretariat:
            file_form = PeopleFileForm(request.POST, request.FILES, prefix="file")
            if file_form.is_valid():
                preview = _read_file(request, program, file_form)
        elif action == "propose" and led:
            propose_form = ProposeForm(request.POST, organisations=led, prefix="propose")
            if propose_form.is_valid() and _propose(request, program, propose_form):
                return redirect(request.get_full_path())
        else:
            raise PermissionDenied
        status = 200 if preview else 400
    filters, people = _filtered(request, program, None if secretariat else led)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    held = positions(program, [person.pk for person in page])
    for person in page:
        person.state = STATE_BY_ORDER[person.state_order]  # as the database read it
        person.state_label = PersonState.LABELS[person.state]
        person.position = held.get(person.pk, "")
    # the secretariat decides the pending proposals; a leader follows their unit's
    proposals = (
        Invitation.objects.filter(program=program, state=Invitation.State.PROPOSED)
        if secretariat
        else Invitation.objects.filter(program=program, organisation__in=led, role="focal_point")
    ).select_related("organisation", "created_by")[:50]
    return render(
        request,
        "appraisal/people.html",
        {
            "program": program,
            "secretariat": secretariat,
            "page": page,
            "filters": filters,
            "invite_form": invite_form,
            "file_form": file_form,
            "propose_form": propose_form,
            "proposals": proposals,
            "preview": preview,
        },
        status=status,
    )


def _invite_one(request: AuthenticatedRequest, program: Program, form: InviteForm) -> bool:
    data = form.cleaned_data
    try:
        invitation = people_service.person_invite(
            program=program,
            full_name=data["full_name"],
            email=data["email"],
            role=data["role"],
            organisation=data["organisation"],
            actor=request.user,
            ip=client_ip(request),
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    if invitation.state == Invitation.State.SENT:
        messages.success(
            request,
            _("Đã gửi lời mời đến %(email)s: người được mời đặt mật khẩu từ liên kết trong thư.")
            % {"email": invitation.email},
        )
    else:
        messages.success(
            request,
            _("%(email)s đã có tài khoản: đã giao thêm vai trò.") % {"email": invitation.email},
        )
    return True


def _read_file(
    request: AuthenticatedRequest, program: Program, form: PeopleFileForm
) -> list | None:
    upload = form.cleaned_data["file"]
    try:
        found = people_read(program=program, data=upload.read(), filename=upload.name)
    except ProblemsError as exc:
        for problem in exc.problems:
            form.add_error(None, str(problem))
        return None
    request.session[SESSION_KEY] = {
        "program": program.pk,
        "people": [
            {
                "full_name": p.full_name,
                "email": p.email,
                "role": p.role,
                "organisation": p.organisation.code if p.organisation else "",
            }
            for p in found
        ],
    }
    return found


def _from_session(request: AuthenticatedRequest, program: Program) -> list[PersonInput]:
    stored = request.session.get(SESSION_KEY) or {}
    if stored.get("program") != program.pk:
        return []
    codes = {row["organisation"] for row in stored["people"]} - {""}
    organisations = {org.code: org for org in Organisation.objects.filter(code__in=codes)}
    return [
        PersonInput(
            full_name=row["full_name"],
            email=row["email"],
            role=row["role"],
            organisation=organisations.get(row["organisation"]),
        )
        for row in stored["people"]
    ]


@require_POST
@login_required
def people_import_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program, secretariat, _led = people_program(request, pk)
    permissions.require(secretariat)
    found = _from_session(request, program)
    if request.POST.get("action") == "cancel" or not found:
        request.session.pop(SESSION_KEY, None)
        if not found:
            messages.error(request, _("Không còn danh sách nào chờ xác nhận: tải tệp lên lại."))
        return redirect("people_list", pk=program.pk)
    try:
        done = people_invite(
            program=program, people=found, actor=request.user, ip=client_ip(request)
        )
    except ProblemsError as exc:
        messages.error(
            request,
            _("Không ai được mời: %(problems)s") % {"problems": "; ".join(map(str, exc.problems))},
        )
        return redirect("people_list", pk=program.pk)
    request.session.pop(SESSION_KEY, None)
    sent = sum(1 for invitation in done if invitation.state == Invitation.State.SENT)
    messages.success(
        request,
        _("Đã mời %(n)s người (%(sent)s thư mời đặt mật khẩu).") % {"n": len(done), "sent": sent},
    )
    return redirect("people_list", pk=program.pk)


def _propose(request: AuthenticatedRequest, program: Program, form: ProposeForm) -> bool:
    data = form.cleaned_data
    try:
        people_service.focal_point_propose(
            program=program,
            organisation=data["organisation"],
            full_name=data["full_name"],
            email=data["email"],
            actor=request.user,
            ip=client_ip(request),
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    messages.success(request, _("Đã gửi đề xuất: cơ quan thường trực sẽ phê duyệt và gửi lời mời."))
    return True


@require_POST
@login_required
def person_set_active(request: AuthenticatedRequest, pk: int, user_pk: int) -> HttpResponse:
    program, secretariat, _led = people_program(request, pk)
    permissions.require(secretariat)
    user = get_object_or_404(get_user_model(), pk=user_pk)
    active = request.POST.get("active") == "1"
    try:
        people_service.person_set_active(
            program=program,
            user=user,
            active=active,
            reason=request.POST.get("reason", ""),
            actor=request.user,
            ip=client_ip(request),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, problem_text(exc))
    else:
        messages.success(
            request,
            (_("Đã mở khóa tài khoản %(name)s.") if active else _("Đã khóa tài khoản %(name)s."))
            % {"name": user.get_username()},
        )
    return redirect(request.POST.get("next") or reverse("people_list", args=(program.pk,)))


@require_POST
@login_required
def invitation_resend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=pk)
    program, secretariat, _led = people_program(request, invitation.program_id)
    permissions.require(secretariat)
    try:
        people_service.invitation_resend(
            invitation=invitation, actor=request.user, ip=client_ip(request)
        )
    except ValidationError as exc:
        messages.error(request, problem_text(exc))
    else:
        messages.success(
            request, _("Đã gửi lại lời mời đến %(email)s.") % {"email": invitation.email}
        )
    return redirect("people_list", pk=program.pk)


@require_POST
@login_required
def proposal_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=pk)
    program, secretariat, _led = people_program(request, invitation.program_id)
    permissions.require(secretariat)
    approve = request.POST.get("decision") == "approve"
    try:
        people_service.proposal_decide(
            invitation=invitation,
            approve=approve,
            reason=request.POST.get("reason", ""),
            actor=request.user,
            ip=client_ip(request),
        )
    except ValidationError as exc:
        messages.error(request, problem_text(exc))
    else:
        messages.success(
            request,
            _("Đã phê duyệt và gửi lời mời.") if approve else _("Đã từ chối đề xuất."),
        )
    return redirect("people_list", pk=program.pk)


# Search pickers ---------------------------------------------------------------------------


# The invitation's link --------------------------------------------------------------------


class InvitationAcceptView(PasswordResetConfirmView):
    """Set one's password from the invitation's link (once, before it expires). The token
    leaves the address at once (Django's view keeps it in the session)."""

    template_name = "registration/invitation_accept.html"
    token_generator = invitation_tokens
    success_url = reverse_lazy("login")
    reset_url_token = "set-password"

    def form_valid(self, form):
        response = super().form_valid(form)
        people_service.invitation_accept(user=form.user, ip=client_ip(self.request))
        messages.success(
            self.request,
            _("Đã đặt mật khẩu. Mời đăng nhập với tên đăng nhập %(name)s.")
            % {"name": form.user.get_username()},
        )
        return response
