from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from appraisal.models.campaigns import Submission
from appraisal.models.choices import Stage
from appraisal.models.reviews import DomainReview, Query


class SubmissionDeadline(models.Model):
    """A unit's own deadline for a stage, when the secretariat extended it."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="deadlines")
    stage = models.CharField(_("giai đoạn"), max_length=20, choices=Stage.choices)
    due_on = models.DateField(_("hạn chót"))

    class Meta:
        verbose_name = _("thời hạn riêng của đơn vị")
        verbose_name_plural = _("thời hạn riêng của đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "stage"], name="submission_deadline_unique_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.stage}: {self.due_on}"


class ExtensionRequest(models.Model):
    """A unit (for its stage deadline or a query) or a reviewer (for a review) asks for more
    time; the secretariat grants it with a new date, or refuses."""

    class Target(models.TextChoices):
        STAGE = "stage", _("Thời hạn tự đánh giá")
        QUERY = "query", _("Hạn trả lời yêu cầu giải trình")
        REVIEW = "review", _("Hạn thẩm định lĩnh vực")

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ quyết định")
        GRANTED = "granted", _("Đã gia hạn")
        REFUSED = "refused", _("Không gia hạn")

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="extension_requests"
    )
    target = models.CharField(_("gia hạn cho"), max_length=10, choices=Target.choices)
    query = models.ForeignKey(
        Query, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    review = models.ForeignKey(
        DomainReview, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    current_due = models.DateField(_("hạn hiện tại"), null=True, blank=True)
    proposed_due = models.DateField(_("đề nghị gia hạn đến"))
    reason = models.TextField(_("lý do"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=State.choices, default=State.PENDING
    )
    new_due = models.DateField(_("gia hạn đến"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("ghi chú quyết định"), blank=True)

    class Meta:
        verbose_name = _("đề nghị gia hạn")
        verbose_name_plural = _("đề nghị gia hạn")
        ordering = ["-requested_at"]
        indexes = [
            # the secretariat's list of requests to decide
            models.Index(fields=["state", "submission"], name="extension_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.target} → {self.proposed_due}"
