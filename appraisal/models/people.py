from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.models.choices import Role
from appraisal.models.organisations import Organisation, Program


def person_name(first_name: str, last_name: str, username: str) -> str:
    """A person as the pages name them: their full name (as `User.get_full_name` writes
    it), else their login. From a user's columns, for lists read as plain values."""
    return f"{first_name} {last_name}".strip() or username


class Invitation(models.Model):
    """Someone asked into a program with one role: invited by the secretariat (an e-mail
    with a link to set their password), or proposed by a unit's leader as a focal point
    and waiting for the secretariat to approve."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Chờ phê duyệt")
        SENT = "sent", _("Đã gửi lời mời")
        ACCEPTED = "accepted", _("Đã nhận lời mời")
        REJECTED = "rejected", _("Không phê duyệt")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="invitations")
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices)
    full_name = models.CharField(_("họ và tên"), max_length=150)
    email = models.EmailField(_("thư điện tử"))
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("cơ quan, đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("nhận lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        verbose_name = _("lời mời")
        verbose_name_plural = _("lời mời")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["program", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="proposed") | Q(state="rejected") | Q(user__isnull=False),
                name="invitation_sent_has_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}> · {self.get_role_display()}"


class InvitationTokens(PasswordResetTokenGenerator):
    """The invitation link's token: unlike a password-reset token of the same user, and
    spent as soon as the password is set (the hash it signs changes)."""

    key_salt = "parcouncil.people.invitation"


invitation_tokens = InvitationTokens()
