from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.models import Organisation, Program, RoleAssignment
from appraisal.models.choices import ORGANISATION_ROLES, Role
from workflow.audit import audit_record
from workflow.models import AuditKind
from workflow.services.base import require_secretariat


def _describe(assignment: RoleAssignment) -> str:
    org = f"@{assignment.organisation.code}" if assignment.organisation else ""
    return f"{assignment.user.get_username()}:{assignment.role}{org}"


@transaction.atomic
def role_grant(
    *,
    user: User,
    program: Program,
    role: str,
    organisation: Organisation | None = None,
    actor: User | None,
    ip: str | None = None,
) -> RoleAssignment:
    """Grant a role; granting one already held returns the existing grant unchanged."""
    require_secretariat(actor, program, _("Chỉ cơ quan thường trực mới được phân quyền."))
    if role not in Role.values:
        raise ValidationError(_("Vai trò không hợp lệ."))
    if role in ORGANISATION_ROLES and organisation is None:
        raise ValidationError(_("Vai trò này cần chỉ rõ cơ quan, đơn vị."))
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        program=program,
        role=role,
        organisation=organisation,
        defaults={"granted_by": actor},
    )
    if created:
        audit_record(
            kind=AuditKind.ROLE_GRANT,
            actor=actor,
            ip=ip,
            program_id=program.pk,
            obj_type="role",
            obj_id=assignment.pk,
            action="grant",
            new_value=_describe(assignment),
        )
    permissions.forget_grants(user)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, actor: User | None, ip: str | None = None) -> None:
    """Take a role back. The grant row goes; the audit trail keeps both events."""
    assignment = (
        RoleAssignment.objects.select_related("user", "organisation")
        .select_for_update(of=("self",))
        .get(pk=assignment.pk)
    )
    require_secretariat(
        actor, assignment.program_id, _("Chỉ cơ quan thường trực mới được thu hồi quyền.")
    )
    if actor is not None and actor.pk == assignment.user_id and assignment.role == Role.SECRETARIAT:
        raise ValidationError(_("Không tự thu hồi quyền thư ký của chính mình."))
    audit_record(
        kind=AuditKind.ROLE_REVOKE,
        actor=actor,
        ip=ip,
        program_id=assignment.program_id,
        obj_type="role",
        obj_id=assignment.pk,
        action="revoke",
        old_value=_describe(assignment),
    )
    user = assignment.user
    assignment.delete()
    permissions.forget_grants(user)
