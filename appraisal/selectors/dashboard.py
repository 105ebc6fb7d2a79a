"""The managers' dashboard of a campaign: progress by stage, units × stages by deadline
status, each ministry's review load and lateness, and what is at risk this week. A fixed
number of queries whatever the number of units."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from appraisal.models import (
    Campaign,
    DomainReview,
    ExtensionRequest,
    FrameworkNode,
    Organisation,
    Query,
    ScoreItem,
    Submission,
)
from appraisal.models.choices import ScoringMode, Stage
from appraisal.models.states import DomainReviewState, QueryState, SubmissionState
from appraisal.selectors.deadlines import DUE_SOON, ON_TIME, OVERDUE, status, unit_deadlines
from appraisal.workdays import add_working_days, today

S = SubmissionState
FUNNEL = [
    S.DRAFT,
    S.PENDING_APPROVAL,
    S.SUBMITTED,
    S.UNDER_REVIEW,
    S.REVIEWED,
    S.IN_COUNCIL,
    S.APPRAISED,
    S.PUBLISHED,
]
# the stage a report is in, by its state, and the states that have passed each stage
STAGE_OF: dict[str, str | None] = {
    S.DRAFT: Stage.SELF_ASSESSMENT,
    S.PENDING_APPROVAL: Stage.SELF_ASSESSMENT,
    S.SUBMITTED: Stage.REVIEW,
    S.UNDER_REVIEW: Stage.REVIEW,
    S.REVIEWED: Stage.COUNCIL,
    S.IN_COUNCIL: Stage.COUNCIL,
    S.APPRAISED: Stage.PUBLICATION,
    S.PUBLISHED: None,
}
STAGES: list[str] = [Stage.SELF_ASSESSMENT, Stage.REVIEW, Stage.COUNCIL, Stage.PUBLICATION]
DONE = "done"


@dataclass
class UnitRow:
    submission: Submission
    cells: list[tuple[str, str | None, datetime.date | None]]  # (stage, status or "done", due)
    # in self-assessment: the share of its self-scored items the unit has scored
    percent: int | None = None


@dataclass
class MinistryLoad:
    organisation: Organisation
    total: int = 0
    open: int = 0
    completed: int = 0
    late: int = 0
    waiting_unit: int = 0


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


@dataclass
class Dashboard:
    funnel: list[tuple[str, str, int]]
    rows: list[UnitRow]
    ministries: list[MinistryLoad]
    risks: list[Risk]
    totals: dict[str, int] = field(default_factory=dict)


def dashboard(
    campaign: Campaign,
    *,
    level: str = "",
    region: str = "",
    organisation_id: int | None = None,
    on: datetime.date | None = None,
) -> Dashboard:
    on = on or today()
    in_scope = Submission.objects.filter(campaign=campaign).select_related("unit")
    if level:
        in_scope = in_scope.filter(level=level)
    if region:
        in_scope = in_scope.filter(unit__region=region)
    submissions = list(in_scope.order_by("level", "unit__code"))
    ids = [s.pk for s in submissions]
    deadlines = unit_deadlines(campaign_ids=[campaign.pk], submission_ids=ids)
    counts: dict[str, int] = dict.fromkeys(FUNNEL, 0)
    progress = {
        row["submission_id"]: row
        for row in ScoreItem.objects.filter(
            submission_id__in=ids,
            submission__state__in=[S.DRAFT, S.PENDING_APPROVAL],
            scoring_mode=ScoringMode.SELF,
            applicable=True,
        )
        .values("submission_id")
        .annotate(total=Count("id"), scored=Count("id", filter=Q(self_score__isnull=False)))
        .order_by()
    }
    rows = []
    for submission in submissions:
        counts[submission.state] = counts.get(submission.state, 0) + 1
        current = STAGE_OF.get(submission.state)
        passed = True
        cells: list[tuple[str, str | None, datetime.date | None]] = []
        for stage in STAGES:
            due = deadlines.due(submission, stage)
            if current is None or (passed and stage != current):
                cells.append((stage, DONE, due))
                continue
            if stage == current:
                cells.append((stage, status(due, on), due))
                passed = False
            else:
                cells.append((stage, None, due))
        done = progress.get(submission.pk)
        percent = None
        if submission.state in (S.DRAFT, S.PENDING_APPROVAL):
            percent = (
                100
                if not done or not done["total"]
                # floor: a unit with one item left is not shown as done
                else (100 * done["scored"]) // done["total"]
            )
        rows.append(UnitRow(submission, cells, percent))
    # the reports and their domains are joined here, not in the database: a join there reads
    # every campaign's reports and every framework's nodes (bench/pages.py --explain)
    reviewed = DomainReview.objects.filter(submission_id__in=ids).select_related("organisation")
    if organisation_id:
        reviewed = reviewed.filter(organisation_id=organisation_id)
    reviews = list(reviewed.order_by())
    domains = FrameworkNode.objects.in_bulk({review.domain_id for review in reviews})
    by_id = {submission.pk: submission for submission in submissions}
    for review in reviews:
        review.submission, review.domain = by_id[review.submission_id], domains[review.domain_id]
    reviews.sort(key=lambda r: (r.submission.unit.code, r.domain.position))
    review_due = deadlines.campaign_due(campaign.pk, Stage.REVIEW)
    loads: dict[int, MinistryLoad] = {}
    risks: list[Risk] = []
    horizon = add_working_days(on, 5)
    for review in reviews:
        load = loads.setdefault(review.organisation_id, MinistryLoad(review.organisation))
        load.total += 1
        if review.state == DomainReviewState.COMPLETED:
            load.completed += 1
            continue
        load.open += 1
        load.waiting_unit += review.state == DomainReviewState.AWAITING_UNIT
        due = review.due_on(review_due, on)
        state = status(due, on)
        load.late += state == OVERDUE
        if due is not None and due <= horizon and review.state != DomainReviewState.AWAITING_UNIT:
            risks.append(
                Risk(
                    "review",
                    f"{review.submission.unit.name} — {review.domain.code}. {review.domain.name}",
                    due,
                    state,
                    "review_detail",
                    (review.pk,),
                )
            )
    for row in rows:
        for stage, state, due in row.cells:
            if state in (DUE_SOON, OVERDUE) and stage == Stage.SELF_ASSESSMENT and due:
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
    queries = Query.objects.filter(
        review__submission_id__in=ids, state=QueryState.OPEN, due_on__lte=horizon
    ).select_related("review__submission__unit", "review__domain")
    for query in queries:
        risks.append(
            Risk(
                "query",
                f"{query.review.submission.unit.name} — {query.review.domain.code}",
                query.due_on,
                status(query.due_on, on),
                "query_detail",
                (query.pk,),
            )
        )
    extensions = ExtensionRequest.objects.filter(
        submission_id__in=ids, state=ExtensionRequest.State.PENDING
    ).select_related("submission__unit")
    for request in extensions:
        due = request.current_due
        risks.append(
            Risk(
                "extension",
                f"{request.submission.unit.name} — {request.get_target_display()}",
                due or on,
                status(due, on) if due else DUE_SOON,
                "extension_list",
                (campaign.pk,),
            )
        )
    risks.sort(key=lambda r: (r.due, r.title))
    labels = dict(SubmissionState.choices)
    statuses = [
        cell[1] for row in rows for cell in row.cells if cell[1] in (ON_TIME, DUE_SOON, OVERDUE)
    ]
    return Dashboard(
        funnel=[(state, str(labels[state]), counts.get(state, 0)) for state in FUNNEL],
        rows=rows,
        ministries=sorted(loads.values(), key=lambda m: m.organisation.code),
        risks=risks,
        totals={
            "units": len(rows),
            ON_TIME: statuses.count(ON_TIME),
            DUE_SOON: statuses.count(DUE_SOON),
            OVERDUE: statuses.count(OVERDUE),
        },
    )
