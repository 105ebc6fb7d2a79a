"""The managers' dashboard of a campaign: progress by stage, units × stages by deadline
status, each ministry's review load and lateness, and what is at risk this week. A fixed
number of queries whatever the number of units."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from appraisal.models import (
    Campaign,
    DomainReview,
    Organisation,
    Submission,
)
from appraisal.models.choices import Stage
from appraisal.models.states import DomainReviewState, SubmissionState
from appraisal.selectors.deadlines import (
    DUE_SOON,
    ON_TIME,
    OVERDUE,
    UnitDeadlines,
    status,
    unit_deadlines,
)
from appraisal.selectors.review_clocks import DueBy, due_by, late_never_paused, with_clock_due
from appraisal.selectors.risks import Risk, risks_of
from appraisal.selectors.unit_stages import STAGE_OF, UnitRow, unit_rows
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
# units per page of the units × stages table
PAGE_SIZE = 50
EXPORT_BATCH = 500


@dataclass
class MinistryLoad:
    organisation: Organisation
    total: int = 0
    open: int = 0
    completed: int = 0
    late: int = 0
    waiting_unit: int = 0


@dataclass
class Dashboard:
    funnel: list[tuple[str, str, int]]
    rows: list[UnitRow]  # the page's units
    page: Page[Submission]
    ministries: list[MinistryLoad]
    risks: list[Risk]  # the first RISKS_SHOWN, soonest first
    risk_count: int
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def risks_not_listed(self) -> int:
        return self.risk_count - len(self.risks)


def dashboard(
    campaign: Campaign,
    *,
    level: str = "",
    region: str = "",
    organisation_id: int | None = None,
    on: datetime.date | None = None,
    page: int | str | None = 1,
) -> Dashboard:
    """The dashboard, its units a page at a time: everything over the whole campaign is an
    aggregate in the database, so the cost does not grow with the number of units."""
    on = on or today()
    in_scope = _scope(campaign, level, region)
    counts: dict[str, int] = dict.fromkeys(FUNNEL, 0)
    counts.update(in_scope.values_list("state").annotate(n=Count("pk")).order_by())
    deadlines = unit_deadlines(campaign_ids=[campaign.pk])
    shown = Paginator(in_scope.select_related("unit").order_by("level", "unit__code"), PAGE_SIZE)
    shown.count = sum(counts.values())  # the scope's reports, just counted by state
    current = shown.get_page(page)
    rows = unit_rows(list(current), deadlines, on)
    # the campaign's reviews by their own index; a level or region narrows them to its reports
    scoped = DomainReview.objects.filter(campaign=campaign)
    if level or region:
        scoped = scoped.filter(submission__in=in_scope.values("pk"))
    reviews = scoped.filter(organisation_id=organisation_id) if organisation_id else scoped
    review_due = deadlines.campaign_due(campaign.pk, Stage.REVIEW)
    # the open reviews due by the end of the coming week: the late ones are among them
    horizon = add_working_days(on, 5)
    clock = due_by(reviews, review_due, on, horizon)
    risks, risk_count = risks_of(campaign, in_scope, scoped, clock, deadlines, on, horizon)
    labels = dict(SubmissionState.choices)
    return Dashboard(
        funnel=[(state, str(labels[state]), counts.get(state, 0)) for state in FUNNEL],
        rows=rows,
        page=current,
        ministries=_loads(reviews, clock, review_due, on),
        risks=risks,
        risk_count=risk_count,
        totals=_totals(counts, in_scope, deadlines, campaign, on),
    )


def _scope(campaign: Campaign, level: str, region: str) -> QuerySet[Submission]:
    in_scope = Submission.objects.filter(campaign=campaign)
    if level:
        in_scope = in_scope.filter(level=level)
    if region:
        in_scope = in_scope.filter(unit__region=region)
    return in_scope


def all_unit_rows(
    campaign: Campaign, *, level: str = "", region: str = "", on: datetime.date | None = None
) -> Iterator[UnitRow]:
    """Every unit's row under the filters (the Excel export), read a batch at a time."""
    on = on or today()
    in_scope = _scope(campaign, level, region)
    deadlines = unit_deadlines(campaign_ids=[campaign.pk])
    ids = list(in_scope.order_by("level", "unit__code").values_list("pk", flat=True))
    for start in range(0, len(ids), EXPORT_BATCH):
        batch = Submission.objects.filter(pk__in=ids[start : start + EXPORT_BATCH])
        yield from unit_rows(
            list(batch.select_related("unit").order_by("level", "unit__code")), deadlines, on
        )


def _totals(
    counts: dict[str, int],
    in_scope: QuerySet[Submission],
    deadlines: UnitDeadlines,
    campaign: Campaign,
    on: datetime.date,
) -> dict[str, int]:
    """How many units stand on time, due soon or overdue in their current stage: the
    campaign's deadline of each stage for the count of reports in it, except the few with
    their own (extended) deadline."""
    totals = {"units": sum(counts.values()), ON_TIME: 0, DUE_SOON: 0, OVERDUE: 0}
    own = {submission_id for submission_id, _stage in deadlines.own}
    extended = dict(in_scope.filter(pk__in=sorted(own)).values_list("pk", "state")) if own else {}
    for state, number in counts.items():
        stage = STAGE_OF.get(state)
        if stage is None or not number:
            continue
        mine = [pk for pk, s in extended.items() if s == state]
        for pk in mine:
            key = status(
                deadlines.own.get((pk, stage)) or deadlines.campaign_due(campaign.pk, stage), on
            )
            if key:
                totals[key] += 1
        key = status(deadlines.campaign_due(campaign.pk, stage), on)
        if key:
            totals[key] += number - len(mine)
    return totals


def _loads(
    reviews: QuerySet[DomainReview],
    clock: DueBy,
    stage_due: datetime.date | None,
    on: datetime.date,
) -> list[MinistryLoad]:
    """Each reviewing organisation's reviews, counted by the database in one pass (the late
    ones among them that never paused; the paused late ones from the clock)."""
    overdue = clock.before(on)
    rows = list(
        with_clock_due(reviews.order_by(), stage_due)
        .values("organisation_id")
        .annotate(
            total=Count("pk"),
            completed=Count("pk", filter=Q(state=DomainReviewState.COMPLETED)),
            waiting=Count("pk", filter=Q(state=DomainReviewState.AWAITING_UNIT)),
            overdue=Count("pk", filter=late_never_paused(on)),
        )
        .values_list("organisation_id", "total", "completed", "waiting", "overdue")
    )
    paused_late: dict[int, int] = {}
    for review in overdue.paused:
        paused_late[review.organisation_id] = paused_late.get(review.organisation_id, 0) + 1
    organisations = Organisation.objects.in_bulk([row[0] for row in rows])
    loads = [
        MinistryLoad(
            organisations[organisation_id],
            total=total,
            open=total - completed,
            completed=completed,
            late=late + paused_late.get(organisation_id, 0),
            waiting_unit=waiting,
        )
        for organisation_id, total, completed, waiting, late in rows
    ]
    return sorted(loads, key=lambda load: load.organisation.code)
