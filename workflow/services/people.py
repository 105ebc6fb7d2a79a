"""People of a program: invitations (one, or a list from a file), focal points proposed by a
unit's leader, disabling and enabling accounts. Every change is audited.

An invited person's account exists from the invitation on, with no usable password: the
e-mail's link (signed, expiring after PASSWORD_RESET_TIMEOUT) lets them set one. Their state
is read off the account: *invited* (no password yet), *active*, *disabled* (never deleted:
the audit trail and the documents keep their name)."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from appraisal import permissions
from appraisal.models import Invitation, Organisation, Program, RoleAssignment
from appraisal.models.choices import ORGANISATION_ROLES, Role
from appraisal.selectors.people import leader_organisations
from appraisal.selectors.roles import role_holders
from notifications.services import notify, notify_many
from workflow.audit import audit_record
from workflow.models import AuditKind
from workflow.services.base import require_secretariat
from workflow.services.roles import role_grant


def _audit(
    program_id: int,
    obj_id: int,
    action: str,
    actor: User | None,
    ip: str | None,
    *,
    obj_type: str = "user",
    **fields: Any,
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


@dataclass(frozen=True)
class PersonInput:
    full_name: str
    email: str
    role: str
    organisation: Organisation | None


def clean_person(
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


def _account_for(email: str, full_name: str) -> tuple[User, bool]:
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
    invitation_id = invitation.pk
    transaction.on_commit(lambda: async_task("notifications.tasks.send_invitation", invitation_id))


@transaction.atomic
def person_invite(
    *,
    program: Program,
    full_name: str,
    email: str,
    role: str,
    organisation: Organisation | None = None,
    actor: User | None,
    ip: str | None = None,
    invitation: Invitation | None = None,
) -> Invitation:
    """Grant `role` to the person with this e-mail, making their account if there is none.
    A person with no password yet gets an e-mail to set it; one who has an account is told
    of the new role in their notifications."""
    require_secretariat(actor, program, _("Chỉ cơ quan thường trực mới quản lý người dùng."))
    errors = clean_person(full_name=full_name, email=email, role=role, organisation=organisation)
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
        notify(
            recipient=user,
            kind="role_granted",
            context={"title": f"{Role(role).label} — {program.name}"},
            url_name="home",
        )
    return invitation


# A list of people from a file -------------------------------------------------------------


# The invitation's link --------------------------------------------------------------------


@transaction.atomic
def invitation_accept(*, user: User, ip: str | None = None) -> int:
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
    *, invitation: Invitation, actor: User | None, ip: str | None = None
) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=invitation.pk)
    )
    require_secretariat(
        actor, invitation.program, _("Chỉ cơ quan thường trực mới quản lý người dùng.")
    )
    user = invitation.user
    if user is None or invitation.state != Invitation.State.SENT or user.has_usable_password():
        raise ValidationError(_("Người này đã đặt mật khẩu: không cần gửi lại lời mời."))
    if not user.is_active:
        raise ValidationError(_("Tài khoản đã bị khóa: mở khóa trước khi gửi lại lời mời."))
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    _audit(invitation.program_id, user.pk, "resend", actor, ip)
    _send(invitation)
    return invitation


# Disabling and enabling --------------------------------------------------------------------


def _belongs(user: User, program: Program) -> bool:
    return (
        RoleAssignment.objects.filter(user=user, program=program).exists()
        or Invitation.objects.filter(user=user, program=program).exists()
    )


@transaction.atomic
def person_set_active(
    *,
    program: Program,
    user: User,
    active: bool,
    reason: str = "",
    actor: User | None,
    ip: str | None = None,
) -> User:
    """Disable an account (it can no longer sign in; its work and history stay) or enable it
    again. A person working for other programs too is disabled by each program's secretariat
    only for its own roles: revoke them instead."""
    require_secretariat(actor, program, _("Chỉ cơ quan thường trực mới quản lý người dùng."))
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


@transaction.atomic
def focal_point_propose(
    *,
    program: Program,
    organisation: Organisation,
    full_name: str,
    email: str,
    actor: User,
    ip: str | None = None,
) -> Invitation:
    if organisation not in leader_organisations(actor, program):
        raise PermissionDenied(_("Chỉ lãnh đạo đơn vị mới đề xuất cán bộ đầu mối của đơn vị."))
    errors = clean_person(
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

    notify_many(
        role_holders(program.pk, {Role.SECRETARIAT}),
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
    actor: User | None,
    ip: str | None = None,
) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("program", "organisation", "created_by")
        .get(pk=invitation.pk)
    )
    require_secretariat(
        actor, invitation.program, _("Chỉ cơ quan thường trực mới quản lý người dùng.")
    )
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
        notify(
            recipient=invitation.created_by,
            kind="proposal_approved" if approve else "proposal_rejected",
            context={"title": f"{invitation.full_name} <{invitation.email}>"},
            url_name="people_list",
            url_args=(invitation.program_id,),
        )
    return invitation
