import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisal.models.campaigns import Campaign, ScoreItem, Submission
from appraisal.models.frameworks import FrameworkNode
from appraisal.models.organisations import Organisation
from appraisal.models.states import DomainReviewState, QueryState
from appraisal.workdays import add_working_days, working_days_between


class DomainOwner(models.Model):
    """Which organisation reviews a domain in one campaign. Without a row, the owner named in
    the framework does; the secretariat changes the mapping per campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="domain_owners")
    domain = models.ForeignKey(FrameworkNode, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan thẩm định"),
    )

    class Meta:
        verbose_name = _("cơ quan thẩm định lĩnh vực")
        verbose_name_plural = _("cơ quan thẩm định lĩnh vực")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "domain"], name="domain_owner_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.domain.code} → {self.organisation}"


class DomainReview(models.Model):
    """The review of one domain of one submission by the organisation that owns the domain."""

    # attached by the selectors: its deadline, whether it is late, whether a filter keeps it
    due: datetime.date | None
    late: bool
    selected_by_filter: bool
    visible: bool  # on the report's page: whether this person may open the review

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    # the submission's campaign, written with the review: a campaign's reviews (the matrix,
    # the dashboard, the risks) are read by it, not through every review of every year
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="domain_reviews",
        editable=False,
        db_index=False,  # review_campaign_state_idx leads with it
    )
    domain = models.ForeignKey(FrameworkNode, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="domain_reviews",
        verbose_name=_("cơ quan thẩm định"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="domain_reviews",
        verbose_name=_("chuyên viên thẩm định"),
    )
    state = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=DomainReviewState.choices,
        default=DomainReviewState.PENDING,
    )
    completion_override = models.TextField(_("lý do hoàn thành khi còn yêu cầu mở"), blank=True)
    # The review's clock: it stops while a query waits on the unit. `paused_days` are the
    # working days of pauses that have ended; `paused_since` is when the current one began.
    paused_since = models.DateTimeField(null=True, blank=True)
    paused_days = models.PositiveIntegerField(default=0)
    # a deadline the secretariat granted in place of the review stage's (extension)
    due_override = models.DateField(_("hạn thẩm định được gia hạn"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thẩm định lĩnh vực")
        verbose_name_plural = _("thẩm định lĩnh vực")
        ordering = ["submission", "domain__position"]
        permissions = [("review_domainreview", _("Thẩm định lĩnh vực được phân công"))]
        constraints = [
            models.UniqueConstraint(fields=["submission", "domain"], name="review_unique_domain"),
        ]
        indexes = [
            # a ministry's queue and a reviewer's list
            models.Index(fields=["organisation", "state"], name="review_org_state_idx"),
            models.Index(fields=["reviewer", "state"], name="review_reviewer_state_idx"),
            # a campaign's reviews, by state
            models.Index(fields=["campaign", "state"], name="review_campaign_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.domain.code}"

    def save(self, *args, **kwargs) -> None:
        if self.campaign_id is None and self.submission_id is not None:
            self.campaign_id = self.submission.campaign_id
        super().save(*args, **kwargs)

    def paused_working_days(self, today: datetime.date) -> int:
        """Working days the clock has stood still, the running pause included."""
        running = 0
        if self.paused_since is not None:
            running = working_days_between(timezone.localdate(self.paused_since), today)
        return self.paused_days + running

    def due_on(self, stage_due: datetime.date | None, today: datetime.date) -> datetime.date | None:
        """The review stage's deadline (or the one granted to this review), pushed back by
        the days the clock was paused."""
        base = self.due_override or stage_due
        if base is None:
            return None
        return add_working_days(base, self.paused_working_days(today))

    @property
    def is_open(self) -> bool:
        return self.state != DomainReviewState.COMPLETED


class Query(models.Model):
    """A request for explanation or more evidence (yêu cầu giải trình, bổ sung) to the unit."""

    review = models.ForeignKey(DomainReview, on_delete=models.CASCADE, related_name="queries")
    items = models.ManyToManyField(ScoreItem, related_name="queries", verbose_name=_("tiêu chí"))
    question = models.TextField(_("nội dung yêu cầu"))
    due_on = models.DateField(_("hạn trả lời"))
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=QueryState.choices, default=QueryState.OPEN
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("trả lời của đơn vị"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted = models.BooleanField(_("chấp nhận giải trình"), null=True, blank=True)
    close_note = models.TextField(_("ghi chú khi đóng"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu giải trình")
        verbose_name_plural = _("yêu cầu giải trình")
        ordering = ["review", "raised_at"]
        indexes = [
            # state first: the review alone has the foreign key's own index, and a filter on
            # the state alone (the week's open queries) must not scan the whole index
            models.Index(fields=["state", "review"], name="query_state_review_idx"),
            # the queries still waiting (a few of every year's), soonest first: the week's
            # risks and the inbox read them without scanning every query ever raised
            models.Index(
                fields=["due_on", "id"],
                name="query_waiting_due_idx",
                condition=models.Q(state__in=[QueryState.OPEN, QueryState.ANSWERED]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.question[:40]}"


class QueryMessage(models.Model):
    """One turn of a query's conversation: the question, each answer, each follow-up and the
    closing note, so that a second answer or follow-up never replaces the first."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Yêu cầu")
        ANSWER = "answer", _("Trả lời")
        FOLLOW_UP = "follow_up", _("Yêu cầu tiếp")
        CLOSE = "close", _("Đóng yêu cầu")

    query = models.ForeignKey(Query, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("nội dung"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trao đổi về yêu cầu giải trình")
        verbose_name_plural = _("trao đổi về yêu cầu giải trình")
        ordering = ["query", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.query_id} · {self.kind}"


class NotApplicableRequest(models.Model):
    """A unit asks that an item not apply to it; the secretariat decides. When approved the
    item leaves both the score and the maximum."""

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ quyết định")
        APPROVED = "approved", _("Đã chấp thuận")
        REFUSED = "refused", _("Không chấp thuận")

    item = models.ForeignKey(ScoreItem, on_delete=models.CASCADE, related_name="na_requests")
    reason = models.TextField(_("lý do"))
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=State.choices, default=State.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("ghi chú quyết định"), blank=True)

    class Meta:
        verbose_name = _("đề nghị không áp dụng")
        verbose_name_plural = _("đề nghị không áp dụng")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(state="pending"),
                name="one_pending_na_request_per_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.state}"


class ItemNote(models.Model):
    """A reviewer's internal note on an item: for reviewers, the secretariat and the council,
    never for the unit. Kept apart from ScoreItem so that nothing that shows or exports an
    item can carry it by accident."""

    item = models.OneToOneField(ScoreItem, on_delete=models.CASCADE, related_name="internal_note")
    text = models.TextField(_("ghi chú nội bộ"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ghi chú nội bộ")
        verbose_name_plural = _("ghi chú nội bộ")

    def __str__(self) -> str:
        return f"{self.item} · {self.text[:40]}"
