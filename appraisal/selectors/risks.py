"""This week's risks on the managers' dashboard: reviews, self-assessments, queries and
extension requests due within five working days. Each kind is counted and its soonest read
by the database, so the list costs the same for 48 units or 2,100; the first RISKS_SHOWN are
listed, the rest counted."""

import datetime
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Count, Model, Q, QuerySet, Window
from django.utils.translation import gettext_lazy as _

from appraisal.models import Campaign, DomainReview, ExtensionRequest, Query, Submission
from appraisal.models.choices import Stage
from appraisal.models.states import DomainReviewState, QueryState, SubmissionState
from appraisal.selectors.deadlines import DUE_SOON, OVERDUE, UnitDeadlines, status
from appraisal.selectors.review_clocks import DUE, DueBy
from appraisal.selectors.unit_stages import unit_rows

S = SubmissionState
M = TypeVar("M", bound=Model)
RISKS_SHOWN = 30


# what each kind of risk is, as the list says it
RISK_KINDS = {
    "self_assessment": _("Tự đánh giá của đơn vị"),
    "review": _("Thẩm định lĩnh vực"),
    "query": _("Yêu cầu giải trình chờ đơn vị trả lời"),
    "extension": _("Đề nghị gia hạn chờ quyết định"),
}


@dataclass
class Risk:
    what: str
    title: str
    due: datetime.date
    status: str | None
    url_name: str
    url_args: tuple[int, ...]

    @property
    def kind(self) -> str:
        return str(RISK_KINDS[self.what])


def _first(queryset: QuerySet[M], size: int = RISKS_SHOWN) -> tuple[list[M], int]:
    """The first `size` rows and how many there are, in one query: the database counts the
    whole set beside the rows it returns (a window over it), where a second query would
    cost Django more than the database."""
    rows = list(queryset.annotate(risks_in_all=Window(Count("pk")))[:size])
    return rows, rows[0].risks_in_all if rows else 0  # type: ignore[attr-defined]


def risks_of(
    campaign: Campaign,
    in_scope: QuerySet[Submission],
    reviews: QuerySet[DomainReview],
    clock: DueBy,
    deadlines: UnitDeadlines,
    on: datetime.date,
    horizon: datetime.date,
) -> tuple[list[Risk], int]:
    """This week's risks, soonest first: the first RISKS_SHOWN of them, and how many there
    are. Each kind is counted and its soonest read by the database. `reviews`: those of
    the reports in scope (their open queries are risks too)."""
    risks: list[Risk] = []
    # reviews not waiting on their unit, due within the week
    due = clock.without(DomainReviewState.AWAITING_UNIT)
    review_due = deadlines.campaign_due(campaign.pk, Stage.REVIEW)
    soonest, total = _first(due.plain.only("pk", "due_override").order_by(DUE, "pk"))
    total += len(due.paused)
    for review in soonest:
        review.due = review.due_override or review_due
    chosen = sorted(soonest + due.paused, key=lambda r: (r.due, r.pk))[:RISKS_SHOWN]
    queries, count = _first(
        Query.objects.filter(review__in=reviews, state=QueryState.OPEN, due_on__lte=horizon)
        .only("pk", "review_id", "due_on")
        .order_by("due_on", "pk")
    )
    # the lists above read their rows alone; the unit and domain that name them come after,
    # together: the same rows read with their names joined five tables, whose plan cost
    # PostgreSQL more than the reading
    named = _named({r.pk for r in chosen} | {q.review_id for q in queries})
    for clock_only in chosen:
        review = named[clock_only.pk]
        due_on = clock_only.due
        assert due_on is not None  # due by the horizon
        risks.append(
            Risk(
                "review",
                f"{review.submission.unit.name} — {review.domain.code}. {review.domain.name}",
                due_on,
                status(due_on, on),
                "review_detail",
                (review.pk,),
            )
        )
    total += _self_assessment_risks(campaign, in_scope, deadlines, on, horizon, risks)
    total += count
    for query in queries:
        review = named[query.review_id]
        risks.append(
            Risk(
                "query",
                f"{review.submission.unit.name} — {review.domain.code}",
                query.due_on,
                status(query.due_on, on),
                "query_detail",
                (query.pk,),
            )
        )
    extensions, count = _first(
        ExtensionRequest.objects.filter(
            submission__in=in_scope.values("pk"), state=ExtensionRequest.State.PENDING
        )
        .select_related("submission__unit")
        .order_by("pk")
    )
    total += count
    for request in extensions:
        due_on = request.current_due
        risks.append(
            Risk(
                "extension",
                f"{request.submission.unit.name} — {request.get_target_display()}",
                due_on or on,
                status(due_on, on) if due_on else DUE_SOON,
                "extension_list",
                (campaign.pk,),
            )
        )
    risks.sort(key=lambda r: (r.due, r.title))
    return risks[:RISKS_SHOWN], total


def _named(review_ids: set[int]) -> dict[int, DomainReview]:
    """Reviews with what names them: the unit and the domain."""
    if not review_ids:
        return {}
    return DomainReview.objects.select_related("submission__unit", "domain").in_bulk(
        sorted(review_ids)
    )


def _self_assessment_risks(
    campaign: Campaign,
    in_scope: QuerySet[Submission],
    deadlines: UnitDeadlines,
    on: datetime.date,
    horizon: datetime.date,
    risks: list[Risk],
) -> int:
    """Reports still in self-assessment whose deadline (their own, or the campaign's) is due
    soon or past: the soonest added to `risks`, all counted."""
    selfish = in_scope.filter(state__in=[S.DRAFT, S.PENDING_APPROVAL])
    stage = Stage.SELF_ASSESSMENT
    campaign_due = deadlines.campaign_due(campaign.pk, stage)
    own = {pk: due for (pk, st), due in deadlines.own.items() if st == stage}
    at_risk = [pk for pk, due in own.items() if status(due, on) in (DUE_SOON, OVERDUE)]
    condition = Q(pk__in=at_risk)
    if status(campaign_due, on) in (DUE_SOON, OVERDUE):
        condition |= ~Q(pk__in=sorted(own))
    page, total = _first(selfish.filter(condition).select_related("unit").order_by("unit__code"))
    for row in unit_rows(page, deadlines, on):
        for cell_stage, state, due in row.cells:
            if state in (DUE_SOON, OVERDUE) and cell_stage == stage and due:
                risks.append(
                    Risk(
                        "self_assessment",
                        row.submission.unit.name
                        + (f" ({row.percent} %)" if row.percent is not None else ""),
                        due,
                        state,
                        "submission_detail",
                        (row.submission.pk,),
                    )
                )
    return total
