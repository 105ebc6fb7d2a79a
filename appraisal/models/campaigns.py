from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from appraisal.models.choices import Level, ScoringMode, Stage
from appraisal.models.frameworks import POINTS, Framework, FrameworkNode
from appraisal.models.organisations import BilingualNameMixin, Organisation, Program
from appraisal.models.states import CampaignState, SubmissionState

if TYPE_CHECKING:  # annotations only: reviews.py imports this module
    from appraisal.models.reviews import ItemNote, NotApplicableRequest, Query


class Campaign(BilingualNameMixin):
    """One year of one program: frameworks per level, units in scope, stage deadlines."""

    # set by the campaign list for each row it shows
    show_counts: bool

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("chương trình")
    )
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=CampaignState.choices, default=CampaignState.DRAFT
    )
    query_days = models.PositiveSmallIntegerField(
        _("thời hạn trả lời yêu cầu giải trình (ngày làm việc)"), default=5
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    # a past year loaded from its published results (import_results): no submissions
    imported = models.BooleanField(_("nhập từ kết quả đã công bố"), default=False)

    class Meta:
        verbose_name = _("đợt đánh giá")
        verbose_name_plural = _("đợt đánh giá")
        ordering = ["-year", "program__code"]
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="campaign_unique_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="campaign_year_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignFramework(models.Model):
    """The framework a campaign pins for one level."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="frameworks")
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="campaigns")

    class Meta:
        verbose_name = _("bộ chỉ số của đợt đánh giá")
        verbose_name_plural = _("bộ chỉ số của đợt đánh giá")
        ordering = ["campaign", "level"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "level"], name="campaign_level_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.get_level_display()} · {self.framework.code}"


class StageDeadline(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deadlines")
    stage = models.CharField(_("giai đoạn"), max_length=20, choices=Stage.choices)
    starts_on = models.DateField(_("bắt đầu"))
    due_on = models.DateField(_("hạn chót"))

    class Meta:
        verbose_name = _("thời hạn giai đoạn")
        verbose_name_plural = _("thời hạn giai đoạn")
        ordering = ["campaign", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "stage"], name="deadline_unique_stage"),
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("due_on")), name="deadline_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.starts_on} – {self.due_on}"


class Submission(models.Model):
    """A unit's self-assessment for a campaign, and everything that follows from it."""

    # set by the minutes PDF: what the council decided on the report at that session
    decision: str

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="submissions")
    unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("đơn vị")
    )
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="submissions")
    state = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=SubmissionState.choices,
        default=SubmissionState.DRAFT,
    )
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    # left out of the year's results by the secretariat, with why (blank: included)
    exclusion_reason = models.TextField(_("lý do không tính kết quả"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ tự đánh giá")
        verbose_name_plural = _("hồ sơ tự đánh giá")
        ordering = ["campaign", "level", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="submission_unique_unit"),
        ]
        indexes = [
            # campaign page: submissions of a campaign by level and state
            models.Index(fields=["campaign", "level", "state"], name="submission_campaign_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} — {self.campaign.year}"


def _score_in_range(field: str) -> Q:
    """0 ≤ score ≤ max for ordinary items; −max ≤ score ≤ 0 for deductions."""
    return (
        Q(**{f"{field}__isnull": True})
        | (
            Q(is_deduction=False)
            & Q(**{f"{field}__gte": 0})
            & Q(**{f"{field}__lte": F("max_points")})
        )
        | (
            Q(is_deduction=True)
            & Q(**{f"{field}__lte": 0})
            & Q(**{f"{field}__gte": -F("max_points")})
        )
    )


class ScoreItem(models.Model):
    """The scores of one scored node in one submission, from self-assessment to final.

    `max_points`, `scoring_mode` and `is_deduction` are copied from the (locked) node so
    that the database itself can hold the range invariant.
    """

    # attached by the selectors' querysets (annotate, prefetch to_attr) and the review page
    evidence_count: int
    evidence_files: list[Any]  # appraisal.selectors.workspace.Evidence (a selector's plain values)
    pending_na: list["NotApplicableRequest"]
    item_queries: list["Query"]
    note: "ItemNote | None"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="items")
    node = models.ForeignKey(FrameworkNode, on_delete=models.PROTECT, related_name="score_items")
    # the domain the node belongs to, kept here so that a domain's items are one filter away
    domain = models.ForeignKey(FrameworkNode, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    max_points = models.DecimalField(_("điểm tối đa"), **POINTS)
    scoring_mode = models.CharField(_("cách chấm"), max_length=10, choices=ScoringMode.choices)
    is_deduction = models.BooleanField(default=False)
    applicable = models.BooleanField(_("áp dụng"), default=True)
    self_score = models.DecimalField(_("điểm tự đánh giá"), null=True, blank=True, **POINTS)
    review_score = models.DecimalField(
        _("điểm đề xuất sau thẩm định"), null=True, blank=True, **POINTS
    )
    final_score = models.DecimalField(_("điểm Hội đồng chốt"), null=True, blank=True, **POINTS)
    # why the score departs from the one before it (the reviewer's, then the council's)
    review_reason = models.TextField(_("lý do điều chỉnh khi thẩm định"), blank=True)
    final_reason = models.TextField(_("lý do điều chỉnh của Hội đồng"), blank=True)
    # what the unit counted: for items scored by a ratio, its two counts; for a deduction
    # item, the number of cases its guidance counts (in `ratio_numerator`, no denominator)
    ratio_numerator = models.PositiveIntegerField(_("tử số"), null=True, blank=True)
    ratio_denominator = models.PositiveIntegerField(_("mẫu số"), null=True, blank=True)
    explanation = models.TextField(_("giải trình"), blank=True)
    version = models.PositiveIntegerField(default=0)
    # who saved last: a version mismatch is a conflict only when it was someone else
    last_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        ordering = ["submission", "position"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "node"], name="score_item_unique_node"),
            models.CheckConstraint(
                condition=_score_in_range("self_score"), name="self_score_range"
            ),
            models.CheckConstraint(
                condition=_score_in_range("review_score"), name="review_score_range"
            ),
            models.CheckConstraint(
                condition=_score_in_range("final_score"), name="final_score_range"
            ),
        ]
        indexes = [
            # the items of one domain of one submission (review pages, completeness checks)
            models.Index(fields=["submission", "domain", "position"], name="item_domain_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.node.code}"
