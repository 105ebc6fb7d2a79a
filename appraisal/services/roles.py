from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.models import Organisation, Program, RoleAssignment
from appraisal.models.choices import ORGANISATION_ROLES, Role


@transaction.atomic
def role_grant(
    *,
    user: AbstractBaseUser,
    program: Program,
    role: str,
    organisation: Organisation | None = None,
    actor: AbstractBaseUser | None,
) -> RoleAssignment:
    """Grant a role; granting one already held returns the existing grant."""
    if actor is not None and not permissions.is_secretariat(actor, program):
        raise PermissionDenied(_("Chỉ cơ quan thường trực mới được phân quyền."))
    if role not in Role.values:
        raise ValidationError(_("Vai trò không hợp lệ."))
    if role in ORGANISATION_ROLES and organisation is None:
        raise ValidationError(_("Vai trò này cần chỉ rõ cơ quan, đơn vị."))
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user,
        program=program,
        role=role,
        organisation=organisation,
        defaults={"granted_by": actor},
    )
    permissions.forget_grants(user)
    return assignment
