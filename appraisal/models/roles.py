from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.models.choices import ORGANISATION_ROLES, Role
from appraisal.models.organisations import Organisation, Program


class RoleAssignment(models.Model):
    """A user holds a role in a program, for one organisation where the role needs it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("cơ quan, đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    granted_at = models.DateTimeField(_("cấp lúc"), auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        ordering = ["program__code", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program", "role", "organisation"],
                name="role_unique_with_org",
                condition=Q(organisation__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["user", "program", "role"],
                name="role_unique_without_org",
                condition=Q(organisation__isnull=True),
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False)
                | ~Q(role__in=sorted(role.value for role in ORGANISATION_ROLES)),
                name="role_organisation_required",
            ),
        ]

    def __str__(self) -> str:
        org = f" — {self.organisation.code}" if self.organisation else ""
        return f"{self.user} · {self.get_role_display()}{org}"
