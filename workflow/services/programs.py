from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.models import Organisation, Program


@transaction.atomic
def program_ensure(
    *, code: str, name_vi: str, name_en: str, owner: Organisation, actor: User | None
) -> Program:
    """Create a program, or bring an existing one to these details. Administrators only."""
    if actor is not None and not permissions.is_admin(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống mới được tạo chương trình đánh giá."))
    program, _created = Program.objects.update_or_create(
        code=code, defaults={"name_vi": name_vi, "name_en": name_en, "owner": owner}
    )
    return program
