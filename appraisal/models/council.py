from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from appraisal.models.campaigns import Campaign, Submission
from appraisal.models.organisations import Organisation


class CouncilMember(models.Model):
    """A member of a campaign's appraisal council (Hội đồng thẩm định). Rights come from the
    council role granted with it; the member recuses from their own organisation's reports."""

    class Position(models.TextChoices):
        CHAIR = "chair", _("Chủ tịch Hội đồng")
        VICE_CHAIR = "vice_chair", _("Phó Chủ tịch Hội đồng")
        MEMBER = "member", _("Ủy viên")
        SECRETARY = "secretary", _("Thư ký Hội đồng")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="council")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    position = models.CharField(_("chức danh"), max_length=12, choices=Position.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan")
    )

    class Meta:
        verbose_name = _("thành viên Hội đồng")
        verbose_name_plural = _("thành viên Hội đồng")
        ordering = ["campaign", "position", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="council_unique_member"),
            models.UniqueConstraint(
                fields=["campaign"], condition=models.Q(position="chair"), name="council_one_chair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.user} ({self.position})"


class CouncilSession(models.Model):
    """A meeting of the council: its date, agenda of reports and minutes (Biên bản)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("phiên số"))
    held_on = models.DateField(_("ngày họp"))
    place = models.CharField(_("địa điểm"), max_length=200, blank=True)
    agenda = models.ManyToManyField(Submission, related_name="council_sessions", blank=True)
    minutes = models.TextField(_("nội dung biên bản"), blank=True)
    # what the minutes record of the meeting itself (Decree 30: a Biên bản states when it
    # began and ended and who was there)
    starts_at = models.TimeField(_("bắt đầu lúc"), null=True, blank=True)
    ends_at = models.TimeField(_("kết thúc lúc"), null=True, blank=True)
    absent = models.ManyToManyField(
        CouncilMember, related_name="absences", blank=True, verbose_name=_("vắng mặt")
    )
    # the minutes closed: numbered, signed by the secretary and the chair, never edited again
    closed_at = models.DateTimeField(_("chốt biên bản lúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên họp Hội đồng")
        verbose_name_plural = _("phiên họp Hội đồng")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="session_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.number} ({self.held_on})"
