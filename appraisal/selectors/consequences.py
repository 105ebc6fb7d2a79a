"""What an action that shuts people out or cannot be undone will do, in numbers — read before
the confirmation page asks for it. Pure reads: nothing here writes."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from appraisal.models import Campaign, DomainReview, ScoreItem, Submission
from appraisal.models.choices import ScoringMode, Stage
from appraisal.models.states import DomainReviewState, QueryState, SubmissionState
from appraisal.selectors.deadlines import unit_deadlines
from appraisal.workdays import today

S = SubmissionState
NOT_SUBMITTED = (S.DRAFT, S.PENDING_APPROVAL)


@dataclass
class Consequences:
    """Lines of (what, how many); `shuts_out` counts the people's work the action ends;
    `irreversible` actions and those that shut anyone out need the typed confirmation."""

    lines: list[tuple[str, int]] = field(default_factory=list)
    shuts_out: int = 0
    irreversible: bool = False
    warnings: list[str] = field(default_factory=list)
    points: tuple[Decimal | None, Decimal | None] | None = (
        None  # (self, final) totals, where the action fixes scores
    )
    open_queries: int = 0

    @property
    def needs_typing(self) -> bool:
        return self.irreversible or self.shuts_out > 0


def _not_submitted(campaign: Campaign, on: datetime.date) -> tuple[int, int]:
    """Reports not yet submitted: (how many, how many of them still within their own
    deadline — the stage's, or a granted extension)."""
    deadlines = unit_deadlines(campaign_ids=[campaign.pk], stage=Stage.SELF_ASSESSMENT)
    total = running = 0
    for submission in campaign.submissions.filter(state__in=NOT_SUBMITTED).only("campaign_id"):
        total += 1
        due = deadlines.due(submission, Stage.SELF_ASSESSMENT)
        if due is not None and on <= due:
            running += 1
    return total, running


def campaign_move(campaign: Campaign, name: str) -> Consequences:
    """What moving the campaign by transition `name` means now."""
    on = today()
    states = dict(
        campaign.submissions.values_list("state").annotate(n=Count("id")).values_list("state", "n")
    )
    out = Consequences()
    if name in ("start_review", "start_council"):
        waiting, running = _not_submitted(campaign, on)
        out.lines += [
            (_("Hồ sơ chưa gửi (dự thảo hoặc chờ lãnh đạo phê duyệt)"), waiting),
            (
                _("— trong đó còn hạn riêng (thời hạn giai đoạn hoặc được gia hạn): vẫn gửi được"),
                running,
            ),
            (_("— trong đó đã hết hạn: sẽ không gửi được nữa"), waiting - running),
        ]
        out.shuts_out = waiting - running
        if name == "start_review":
            out.lines.append((_("Hồ sơ đã gửi, chờ bắt đầu thẩm định"), states.get(S.SUBMITTED, 0)))
        else:
            open_reviews = (
                campaign.submissions.aggregate(
                    n=Count("reviews", filter=~Q(reviews__state=DomainReviewState.COMPLETED))
                )["n"]
                or 0
            )
            out.lines += [
                (_("Hồ sơ đang thẩm định"), states.get(S.UNDER_REVIEW, 0)),
                (_("Lĩnh vực thẩm định chưa hoàn thành"), open_reviews),
                (_("Hồ sơ đã thẩm định xong, sẵn sàng trình Hội đồng"), states.get(S.REVIEWED, 0)),
            ]
    elif name == "publish":
        out.irreversible = True
        excluded = campaign.submissions.exclude(exclusion_reason="").count()
        out.lines += [
            (_("Hồ sơ được công bố kết quả"), states.get(S.APPRAISED, 0) - excluded),
            (_("Hồ sơ không tính vào kết quả (có lý do)"), excluded),
        ]
        out.warnings.append(
            _("Sau khi công bố, kết quả được lưu cố định và mở công khai; không thể hoàn tác.")
        )
    elif name == "archive":
        out.irreversible = True
        out.lines.append((_("Hồ sơ của đợt"), sum(states.values())))
        out.warnings.append(_("Đợt đánh giá được lưu trữ; không thể hoàn tác."))
    elif name == "reopen_self_assessment":
        waiting, _running = _not_submitted(campaign, on)
        out.lines += [
            (_("Hồ sơ chưa gửi: gửi lại được khi giai đoạn tự đánh giá mở lại"), waiting),
            (_("Hồ sơ đang thẩm định (tiếp tục thẩm định)"), states.get(S.UNDER_REVIEW, 0)),
        ]
    elif name == "reopen_review":
        out.lines.append((_("Hồ sơ đang thẩm định"), states.get(S.UNDER_REVIEW, 0)))
    elif name == "open_self_assessment":
        out.lines.append((_("Đơn vị bắt đầu tự chấm điểm"), sum(states.values())))
    return out


def _judged_items(submission: Submission) -> QuerySet[ScoreItem]:
    return ScoreItem.objects.filter(submission=submission, applicable=True).exclude(
        scoring_mode=ScoringMode.SURVEY
    )


def accept_proposals(submission: Submission) -> Consequences:
    """The council takes the reviewers' proposals as final scores."""
    counts = _judged_items(submission).aggregate(
        taken=Count("id", filter=Q(final_score__isnull=True, review_score__isnull=False)),
        changed=Count(
            "id",
            filter=Q(final_score__isnull=True, review_score__isnull=False)
            & ~Q(review_score=F("self_score")),
        ),
        fixed=Count("id", filter=Q(final_score__isnull=False)),
        unproposed=Count("id", filter=Q(final_score__isnull=True, review_score__isnull=True)),
    )
    return Consequences(
        lines=[
            (_("Tiêu chí được chốt bằng điểm đề xuất"), counts["taken"]),
            (_("— trong đó điểm đề xuất khác điểm tự chấm"), counts["changed"]),
            (_("Tiêu chí Hội đồng đã chốt (giữ nguyên)"), counts["fixed"]),
            (_("Tiêu chí chưa có điểm đề xuất (chưa chốt)"), counts["unproposed"]),
        ]
    )


def appraise(submission: Submission) -> Consequences:
    """The chair confirms the final scores: the report is appraised and waits for publication."""
    counts = _judged_items(submission).aggregate(
        total=Count("id"),
        final=Count("id", filter=Q(final_score__isnull=False)),
        changed=Count("id", filter=Q(final_score__isnull=False) & ~Q(final_score=F("self_score"))),
        self_points=Sum("self_score"),
        final_points=Sum("final_score"),
    )
    out = Consequences(
        lines=[
            (_("Tiêu chí có điểm Hội đồng chốt"), counts["final"]),
            (_("Tiêu chí phải chấm (trừ điều tra xã hội học)"), counts["total"]),
            (_("Tiêu chí có điểm chốt khác điểm tự chấm"), counts["changed"]),
        ],
        points=(counts["self_points"], counts["final_points"]),
    )
    out.warnings.append(
        _("Sau khi Chủ tịch xác nhận, điểm của hồ sơ không thay đổi nữa cho đến khi công bố.")
    )
    return out


def review_complete(review: DomainReview) -> Consequences:
    """The reviewer completes a domain review."""
    counts = (
        _judged_items(review.submission)
        .filter(domain_id=review.domain_id)
        .aggregate(
            total=Count("id"),
            proposed=Count("id", filter=Q(review_score__isnull=False)),
            changed=Count(
                "id", filter=Q(review_score__isnull=False) & ~Q(review_score=F("self_score"))
            ),
        )
    )
    open_queries = review.queries.exclude(state=QueryState.CLOSED).count()
    out = Consequences(
        lines=[
            (_("Tiêu chí đã có điểm đề xuất"), counts["proposed"]),
            (_("Tiêu chí của lĩnh vực"), counts["total"]),
            (_("Tiêu chí đề xuất điều chỉnh so với điểm tự chấm"), counts["changed"]),
            (_("Yêu cầu giải trình còn mở (sẽ được đóng với lý do hoàn thành)"), open_queries),
        ],
        open_queries=open_queries,
    )
    out.warnings.append(
        _("Lĩnh vực đã hoàn thành chỉ được mở lại bởi Cơ quan thường trực hoặc Hội đồng, có lý do.")
    )
    return out
