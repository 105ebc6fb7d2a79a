"""The managers' dashboard of a campaign: progress by stage, units × stages by deadline
status, each ministry's review load and lateness, and what is at risk this week. A fixed
number of queries whatever the number of units."""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from appraisal.models import (
    Campaign,
    DomainReview,
    ExtensionRequest,
    Organisation,
    Query,
    ScoreItem,
    Submission,
)
from appraisal.models.choices import ScoringMode, Stage
from appraisal.models.states import DomainReviewState, QueryState, SubmissionState
from appraisal.selectors.deadlines import (
    DUE_SOON,
    ON_TIME,
    OVERDUE,
    UnitDeadlines,
    status,
    unit_deadlines,
)
from appraisal.selectors.review_clocks import DueBy, due_by
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
# units per page of the units × stages table, risks listed (the rest are counted)
PAGE_SIZE = 50
RISKS_SHOWN = 30
EXPORT_BATCH = 500


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
    rows: list[UnitRow]  # the page's units
    page: Page
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
    page: object = 1,
) -> Dashboard:
    """The dashboard, its units a page at a time: everything over the whole campaign is an
    aggregate in the database, so the cost does not grow with the number of units."""
    on = on or today()
    in_scope = _scope(campaign, level, region)
    counts: dict[str, int] = dict.fromkeys(FUNNEL, 0)
    counts.update(in_scope.values_list("state").annotate(n=Count("pk")).order_by())
    deadlines = unit_deadlines(campaign_ids=[campaign.pk])
    shown = Paginator(in_scope.select_related("unit").order_by("level", "unit__code"), PAGE_SIZE)
    current = shown.get_page(page)
    rows = unit_rows(list(current), deadlines, on)
    reviews = DomainReview.objects.filter(submission__in=in_scope.values("pk"))
    if organisation_id:
        reviews = reviews.filter(organisation_id=organisation_id)
    review_due = deadlines.campaign_due(campaign.pk, Stage.REVIEW)
    # the open reviews due by the end of the coming week: the late ones are among them
    horizon = add_working_days(on, 5)
    clock = due_by(reviews, review_due, on, horizon)
    risks, risk_count = _risks(campaign, in_scope, clock, deadlines, on, horizon)
    labels = dict(SubmissionState.choices)
    return Dashboard(
        funnel=[(state, str(labels[state]), counts.get(state, 0)) for state in FUNNEL],
        rows=rows,
        page=current,
        ministries=_loads(reviews, clock.before(on)),
        risks=risks,
        risk_count=risk_count,
        totals=_totals(counts, in_scope, deadlines, campaign, on),
    )


def _scope(campaign: Campaign, level: str, region: str):
    in_scope = Submission.objects.filter(campaign=campaign)
    if level:
        in_scope = in_scope.filter(level=level)
    if region:
        in_scope = in_scope.filter(unit__region=region)
    return in_scope


def all_unit_rows(campaign: Campaign, *, level: str = "", region: str = "", on=None):
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


def unit_rows(
    submissions: list[Submission], deadlines: UnitDeadlines, on: datetime.date
) -> list[UnitRow]:
    """Each report's stages with their deadline status, and how far a report still in
    self-assessment has scored: one query for the progress."""
    progress = {
        row["submission_id"]: row
        for row in ScoreItem.objects.filter(
            submission_id__in=[
                s.pk for s in submissions if s.state in (S.DRAFT, S.PENDING_APPROVAL)
            ],
            scoring_mode=ScoringMode.SELF,
            applicable=True,
        )
        .values("submission_id")
        .annotate(total=Count("id"), scored=Count("id", filter=Q(self_score__isnull=False)))
        .order_by()
    }
    rows = []
    for submission in submissions:
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
    return rows


def _totals(counts, in_scope, deadlines: UnitDeadlines, campaign, on) -> dict[str, int]:
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


def _loads(reviews, overdue: DueBy) -> list[MinistryLoad]:
    """Each reviewing organisation's reviews: counted by the database."""
    rows = (
        reviews.order_by()
        .values(
            "organisation_id",
            "organisation__code",
            "organisation__name_vi",
            "organisation__name_en",
        )
        .annotate(
            total=Count("pk"),
            completed=Count("pk", filter=Q(state=DomainReviewState.COMPLETED)),
            waiting=Count("pk", filter=Q(state=DomainReviewState.AWAITING_UNIT)),
        )
    )
    late_by: dict[int, int] = dict(
        overdue.plain.values_list("organisation_id").annotate(n=Count("pk")).order_by()
    )
    for review in overdue.paused:
        late_by[review.organisation_id] = late_by.get(review.organisation_id, 0) + 1
    loads = [
        MinistryLoad(
            Organisation(
                pk=row["organisation_id"],
                code=row["organisation__code"],
                name_vi=row["organisation__name_vi"],
                name_en=row["organisation__name_en"],
            ),
            total=row["total"],
            open=row["total"] - row["completed"],
            completed=row["completed"],
            late=late_by.get(row["organisation_id"], 0),
            waiting_unit=row["waiting"],
        )
        for row in rows
    ]
    return sorted(loads, key=lambda load: load.organisation.code)


def _first(queryset, size: int = RISKS_SHOWN) -> tuple[list, int]:
    """The first `size` rows and how many there are: one query when they are fewer."""
    rows = list(queryset[:size])
    return rows, len(rows) if len(rows) < size else queryset.count()


def _risks(campaign, in_scope, clock: DueBy, deadlines, on, horizon) -> tuple[list[Risk], int]:
    """This week's risks, soonest first: the first RISKS_SHOWN of them, and how many there
    are. Each kind is counted and its soonest read by the database."""
    risks: list[Risk] = []
    # reviews not waiting on their unit, due within the week
    due = clock.without(DomainReviewState.AWAITING_UNIT)
    review_due = deadlines.campaign_due(campaign.pk, Stage.REVIEW)
    soonest, total = _first(
        due.plain.select_related("submission__unit", "domain").order_by("due", "pk")
    )
    total += len(due.paused)
    for review in soonest:
        review.due = review.due_override or review_due
    chosen = sorted(soonest + due.paused, key=lambda r: (r.due, r.pk))[:RISKS_SHOWN]
    # the paused ones were read with their clock only: their unit and domain now, together
    paused = {r.pk for r in due.paused}
    full = (
        DomainReview.objects.select_related("submission__unit", "domain").in_bulk(
            [r.pk for r in chosen if r.pk in paused]
        )
        if paused
        else {}
    )
    for clock_only in chosen:
        review = full.get(clock_only.pk, clock_only)
        review.due = clock_only.due
        risks.append(
            Risk(
                "review",
                f"{review.submission.unit.name} — {review.domain.code}. {review.domain.name}",
                review.due,
                status(review.due, on),
                "review_detail",
                (review.pk,),
            )
        )
    total += _self_assessment_risks(campaign, in_scope, deadlines, on, horizon, risks)
    queries, count = _first(
        Query.objects.filter(
            review__submission__in=in_scope.values("pk"),
            state=QueryState.OPEN,
            due_on__lte=horizon,
        )
        .select_related("review__submission__unit", "review__domain")
        .order_by("due_on", "pk")
    )
    total += count
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


def _self_assessment_risks(campaign, in_scope, deadlines, on, horizon, risks) -> int:
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
