"""People of a program: invitations (one, or a list from a file), focal points proposed by a
unit's leader, disabling and enabling accounts. Every change is audited.

An invited person's account exists from the invitation on, with no usable password: the
e-mail's link (signed, expiring after PASSWORD_RESET_TIMEOUT) lets them set one. Their state
is read off the account: *invited* (no password yet), *active*, *disabled* (never deleted:
the audit trail and the documents keep their name)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appraisal import permissions
from appraisal.exceptions import ProblemsError
from appraisal.models import Invitation, Organisation, Program, RoleAssignment
from appraisal.models.choices import ORGANISATION_ROLES, Role
from appraisal.problems import Problem
from appraisal.services.roles import role_grant
from workflow.audit import audit_record
from workflow.models import AuditKind


class InvitationTokens(PasswordResetTokenGenerator):
    """The invitation link's token: unlike a password-reset token of the same user, and
    spent as soon as the password is set (the hash it signs changes)."""

    key_salt = "parcouncil.people.invitation"


invitation_tokens = InvitationTokens()


class PersonState:
    INVITED = "invited"
    ACTIVE = "active"
    DISABLED = "disabled"
    LABELS = {
        INVITED: gettext_lazy("Đã mời, chưa đặt mật khẩu"),
        ACTIVE: gettext_lazy("Đang hoạt động"),
        DISABLED: gettext_lazy("Đã khóa"),
    }


# the states in their sorting order; the same reading as person_state, done by the database
STATE_ORDER = {PersonState.INVITED: 0, PersonState.ACTIVE: 1, PersonState.DISABLED: 2}


def state_order():
    """person_state as a query expression (an unusable password starts with "!")."""
    from django.db.models import Case, IntegerField, Value, When

    return Case(
        When(is_active=False, then=Value(STATE_ORDER[PersonState.DISABLED])),
        When(password__startswith="!", then=Value(STATE_ORDER[PersonState.INVITED])),
        default=Value(STATE_ORDER[PersonState.ACTIVE]),
        output_field=IntegerField(),
    )


def person_state(user: AbstractBaseUser) -> str:
    if not user.is_active:
        return PersonState.DISABLED
    if not user.has_usable_password():
        return PersonState.INVITED
    return PersonState.ACTIVE


def _audit(
    program_id: int, obj_id: int, action: str, actor, ip, *, obj_type: str = "user", **fields
) -> None:
    """An account's (or an invitation's) audit row."""
    audit_record(
        kind=AuditKind.ACCOUNT,
        actor=actor,
        ip=ip,
        program_id=program_id,
        obj_type=obj_type,
        obj_id=obj_id,
        action=action,
        **fields,
    )


def _check_secretariat(actor: AbstractBaseUser | None, program: Program) -> None:
    if actor is not None and not permissions.is_secretariat(actor, program):
        raise PermissionDenied(_("Chỉ cơ quan thường trực mới quản lý người dùng."))


@dataclass(frozen=True)
class PersonInput:
    full_name: str
    email: str
    role: str
    organisation: Organisation | None


def _clean_person(
    *, full_name: str, email: str, role: str, organisation: Organisation | None
) -> list[str]:
    """What is wrong with one person's details (nothing: an empty list)."""
    errors = []
    if not full_name.strip():
        errors.append(_("Thiếu họ và tên."))
    try:
        validate_email(email.strip())
    except ValidationError:
        errors.append(_("Địa chỉ thư điện tử “%(email)s” không hợp lệ.") % {"email": email})
    if role not in Role.values:
        errors.append(_("Vai trò “%(role)s” không hợp lệ.") % {"role": role})
    elif role in ORGANISATION_ROLES and organisation is None:
        errors.append(_("Vai trò này cần chỉ rõ cơ quan, đơn vị."))
    return errors


def _account_for(email: str, full_name: str) -> tuple[AbstractBaseUser, bool]:
    """The account with this e-mail, or a new one with no password. Returns (user, created)."""
    user_model = get_user_model()
    email = email.strip()
    found = list(user_model.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))[:2])
    if len(found) > 1:
        raise ValidationError(
            _("Có nhiều tài khoản dùng địa chỉ %(email)s: liên hệ quản trị hệ thống.")
            % {"email": email}
        )
    if found:
        user = found[0]
        if not user.is_active:
            raise ValidationError(
                _("Tài khoản %(email)s đã bị khóa: mở khóa trước khi mời lại.") % {"email": email}
            )
        return user, False
    user = user_model(username=email.lower(), email=email, first_name=full_name.strip())
    user.set_unusable_password()
    user.save()
    return user, True


def _send(invitation: Invitation) -> None:
    from django_q.tasks import async_task

    invitation_id = invitation.pk
    transaction.on_commit(lambda: async_task("appraisal.tasks.send_invitation", invitation_id))


@transaction.atomic
def person_invite(
    *,
    program: Program,
    full_name: str,
    email: str,
    role: str,
    organisation: Organisation | None = None,
    actor: AbstractBaseUser | None,
    ip: str | None = None,
    invitation: Invitation | None = None,
) -> Invitation:
    """Grant `role` to the person with this e-mail, making their account if there is none.
    A person with no password yet gets an e-mail to set it; one who has an account is told
    of the new role in their notifications."""
    _check_secretariat(actor, program)
    errors = _clean_person(full_name=full_name, email=email, role=role, organisation=organisation)
    if errors:
        raise ValidationError(errors)
    user, created = _account_for(email, full_name)
    role_grant(user=user, program=program, role=role, organisation=organisation, actor=actor, ip=ip)
    invitation = invitation or Invitation(program=program, created_by=actor)
    invitation.full_name = full_name.strip()
    invitation.email = email.strip()
    invitation.role = role
    invitation.organisation = organisation
    invitation.user = user
    invitation.decided_by = actor
    if user.has_usable_password():
        invitation.state = Invitation.State.ACCEPTED
        invitation.accepted_at = timezone.now()
    else:
        invitation.state = Invitation.State.SENT
        invitation.sent_at = timezone.now()
    invitation.save()
    _audit(
        program.pk,
        user.pk,
        "invite",
        actor,
        ip,
        field=role,
        new_value=f"{user.get_username()}@{organisation.code if organisation else ''}",
        comment=_("tài khoản mới") if created else "",
    )
    if invitation.state == Invitation.State.SENT:
        _send(invitation)
    else:
        from notifications.services import notify

        notify(
            recipient=user,
            kind="role_granted",
            context={"title": f"{Role(role).label} — {program.name}"},
            url_name="home",
        )
    return invitation


# A list of people from a file -------------------------------------------------------------

# accepted column names, Vietnamese first (as the template has them), then English
COLUMNS = {
    "full_name": ("họ và tên", "họ tên", "full_name", "name"),
    "email": ("thư điện tử", "email", "e-mail"),
    "organisation": ("mã cơ quan", "cơ quan", "organisation", "organization", "organisation_code"),
    "role": ("vai trò", "role"),
}


def _column(row: dict[str, str], field: str) -> str:
    for name in COLUMNS[field]:
        if name in row:
            return row[name].strip()
    return ""


def _role_value(text: str) -> str:
    """A role as a file may name it: its code, or its label in Vietnamese or English."""
    from django.utils import translation

    wanted = " ".join(text.split()).casefold()
    for language in ("vi", "en"):
        with translation.override(language):
            for role in Role:
                if wanted in (role.value, str(role.label).casefold()):
                    return role.value
    return text


def people_read(*, program: Program, data: bytes, filename: str) -> list[PersonInput]:
    """The people listed in a CSV or XLSX file (columns: họ và tên, thư điện tử, mã cơ quan,
    vai trò), all checked; any problem raises ProblemsError naming every line at fault."""
    from appraisal.services.results import read_table

    rows, problems = read_table(data, filename)
    if not problems and rows:
        missing = [
            COLUMNS[field][0]
            for field in ("full_name", "email", "role")
            if not any(name in rows[0] for name in COLUMNS[field])
        ]
        if missing:
            raise ProblemsError(
                [Problem("", _("Thiếu cột: %(cols)s.") % {"cols": ", ".join(missing)})]
            )
    codes = {_column(row, "organisation") for row in rows} - {""}
    organisations = (
        {
            org.code.casefold(): org
            for org in Organisation.objects.filter(
                Q(*(Q(code__iexact=code) for code in codes), _connector=Q.OR)
            )
        }
        if codes
        else {}
    )
    people, seen = [], {}
    for number, row in enumerate(rows, start=2):
        where = _("dòng %(n)s") % {"n": number}
        code = _column(row, "organisation")
        organisation = organisations.get(code.casefold()) if code else None
        if code and organisation is None:
            problems.append(Problem(where, _("Không có cơ quan mã “%(code)s”.") % {"code": code}))
            continue
        person = PersonInput(
            full_name=_column(row, "full_name"),
            email=_column(row, "email"),
            role=_role_value(_column(row, "role")),
            organisation=organisation,
        )
        errors = _clean_person(
            full_name=person.full_name,
            email=person.email,
            role=person.role,
            organisation=person.organisation,
        )
        problems += [Problem(where, message) for message in errors]
        key = (person.email.casefold(), person.role, code.casefold())
        if not errors and key in seen:
            problems.append(
                Problem(where, _("Trùng với dòng %(n)s.") % {"n": seen[key]}),
            )
        seen.setdefault(key, number)
        people.append(person)
    if not rows and not problems:
        problems.append(Problem("", _("Tệp không có dòng dữ liệu nào.")))
    if problems:
        raise ProblemsError(problems)
    return people


@transaction.atomic
def people_invite(
    *,
    program: Program,
    people: list[PersonInput],
    actor: AbstractBaseUser | None,
    ip: str | None = None,
) -> list[Invitation]:
    """Invite everyone of a list, or no one: the first refusal undoes the whole list."""
    _check_secretariat(actor, program)
    done = []
    for number, person in enumerate(people, start=1):
        try:
            done.append(
                person_invite(
                    program=program,
                    full_name=person.full_name,
                    email=person.email,
                    role=person.role,
                    organisation=person.organisation,
                    actor=actor,
                    ip=ip,
                )
            )
        except ValidationError as exc:
            raise ProblemsError(
                [Problem(f"{person.email} (#{number})", message) for message in exc.messages]
            ) from exc
    return done


# The invitation's link --------------------------------------------------------------------


@transaction.atomic
def invitation_accept(*, user: AbstractBaseUser, ip: str | None = None) -> int:
    """The person set their password from the invitation's link."""
    invitations = list(
        Invitation.objects.select_for_update(of=("self",)).filter(
            user=user, state=Invitation.State.SENT
        )
    )
    now = timezone.now()
    for invitation in invitations:
        invitation.state = Invitation.State.ACCEPTED
        invitation.accepted_at = now
        invitation.save(update_fields=["state", "accepted_at"])
    for program_id in sorted({i.program_id for i in invitations}):
        _audit(program_id, user.pk, "accept", user, ip)
    return len(invitations)


@transaction.atomic
def invitation_resend(
    *, invitation: Invitation, actor: AbstractBaseUser | None, ip: str | None = None
) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=invitation.pk)
    )
    _check_secretariat(actor, invitation.program)
    if invitation.state != Invitation.State.SENT or invitation.user.has_usable_password():
        raise ValidationError(_("Người này đã đặt mật khẩu: không cần gửi lại lời mời."))
    if not invitation.user.is_active:
        raise ValidationError(_("Tài khoản đã bị khóa: mở khóa trước khi gửi lại lời mời."))
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    _audit(invitation.program_id, invitation.user_id, "resend", actor, ip)
    _send(invitation)
    return invitation


# Disabling and enabling --------------------------------------------------------------------


def _belongs(user: AbstractBaseUser, program: Program) -> bool:
    return (
        RoleAssignment.objects.filter(user=user, program=program).exists()
        or Invitation.objects.filter(user=user, program=program).exists()
    )


@transaction.atomic
def person_set_active(
    *,
    program: Program,
    user: AbstractBaseUser,
    active: bool,
    reason: str = "",
    actor: AbstractBaseUser | None,
    ip: str | None = None,
) -> AbstractBaseUser:
    """Disable an account (it can no longer sign in; its work and history stay) or enable it
    again. A person working for other programs too is disabled by each program's secretariat
    only for its own roles: revoke them instead."""
    _check_secretariat(actor, program)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if not _belongs(user, program):
        raise ValidationError(_("Người này không thuộc chương trình."))
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("Không tự khóa tài khoản của chính mình."))
    if user.is_superuser and actor is not None and not actor.is_superuser:
        raise ValidationError(_("Chỉ quản trị hệ thống mới khóa được tài khoản quản trị."))
    others = (
        RoleAssignment.objects.filter(user=user)
        .exclude(program=program)
        .values_list("program_id", flat=True)
        .distinct()
    )
    if actor is not None and any(not permissions.is_secretariat(actor, pid) for pid in others):
        raise ValidationError(
            _(
                "Người này còn làm việc cho chương trình khác: thu hồi vai trò của họ ở chương trình này thay vì khóa tài khoản."
            )
        )
    if not active and not reason.strip():
        raise ValidationError(_("Cần nêu lý do khóa tài khoản."))
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    _audit(
        program.pk,
        user.pk,
        "enable" if active else "disable",
        actor,
        ip,
        old_value=str(not active),
        new_value=str(active),
        comment=reason.strip()[:500],
    )
    return user


# A unit's leader proposes focal points ------------------------------------------------------


def leader_organisations(user: AbstractBaseUser, program: Program) -> list[Organisation]:
    ids = {
        g.organisation_id
        for g in permissions.grants(user)
        if g.program_id == program.pk and g.role == Role.LEADER
    }
    return list(Organisation.objects.filter(pk__in=ids).order_by("code"))


@transaction.atomic
def focal_point_propose(
    *,
    program: Program,
    organisation: Organisation,
    full_name: str,
    email: str,
    actor: AbstractBaseUser,
    ip: str | None = None,
) -> Invitation:
    if organisation not in leader_organisations(actor, program):
        raise PermissionDenied(_("Chỉ lãnh đạo đơn vị mới đề xuất cán bộ đầu mối của đơn vị."))
    errors = _clean_person(
        full_name=full_name, email=email, role=Role.FOCAL_POINT, organisation=organisation
    )
    if errors:
        raise ValidationError(errors)
    if Invitation.objects.filter(
        program=program,
        organisation=organisation,
        email__iexact=email.strip(),
        state=Invitation.State.PROPOSED,
    ).exists():
        raise ValidationError(_("Người này đã được đề xuất và đang chờ phê duyệt."))
    invitation = Invitation.objects.create(
        program=program,
        state=Invitation.State.PROPOSED,
        full_name=full_name.strip(),
        email=email.strip(),
        role=Role.FOCAL_POINT,
        organisation=organisation,
        created_by=actor,
    )
    _audit(
        program.pk,
        invitation.pk,
        "propose",
        actor,
        ip,
        obj_type="invitation",
        field=Role.FOCAL_POINT,
        new_value=f"{invitation.email}@{organisation.code}",
    )
    from notifications.services import notify_many, people

    notify_many(
        people(program.pk, {Role.SECRETARIAT}),
        kind="focal_point_proposed",
        title=f"{invitation.full_name} — {organisation.name}",
        url_name="people_list",
        url_args=(program.pk,),
    )
    return invitation


@transaction.atomic
def proposal_decide(
    *,
    invitation: Invitation,
    approve: bool,
    reason: str = "",
    actor: AbstractBaseUser | None,
    ip: str | None = None,
) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("program", "organisation", "created_by")
        .get(pk=invitation.pk)
    )
    _check_secretariat(actor, invitation.program)
    if invitation.state != Invitation.State.PROPOSED:
        raise ValidationError(_("Đề xuất này đã được xử lý."))
    if approve:
        invitation = person_invite(
            program=invitation.program,
            full_name=invitation.full_name,
            email=invitation.email,
            role=invitation.role,
            organisation=invitation.organisation,
            actor=actor,
            ip=ip,
            invitation=invitation,
        )
    else:
        if not reason.strip():
            raise ValidationError(_("Cần nêu lý do không phê duyệt."))
        invitation.state = Invitation.State.REJECTED
        invitation.reason = reason.strip()
        invitation.decided_by = actor
        invitation.save(update_fields=["state", "reason", "decided_by"])
        _audit(
            invitation.program_id,
            invitation.pk,
            "reject",
            actor,
            ip,
            obj_type="invitation",
            comment=invitation.reason[:500],
        )
    if invitation.created_by is not None:
        from notifications.services import notify

        notify(
            recipient=invitation.created_by,
            kind="proposal_approved" if approve else "proposal_rejected",
            context={"title": f"{invitation.full_name} <{invitation.email}>"},
            url_name="people_list",
            url_args=(invitation.program_id,),
        )
    return invitation
