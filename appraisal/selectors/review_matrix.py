"""The secretariat's matrix: the reports × domains of a year, with where each review stands.

A page of reports at a time, whatever the size of the campaign: the counts over the whole
campaign are aggregates, the filters are conditions in the database, and only the page's
reviews become objects (a 2,100-unit provincial campaign otherwise rendered 19,000 cells,
5.8 MB, in 2.2 s: bench/RESULTS.md). Each cell is prepared here, once, so that the template
reads plain values. The whole stays reachable: every filter, the pages, and the CSV export
(`matrix_export`), which walks the same rows a page at a time."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from appraisal.models import (
    Campaign,
    CampaignFramework,
    DomainReview,
    FrameworkNode,
    Submission,
)
from appraisal.models.choices import NodeKind
from appraisal.models.states import DomainReviewState
from appraisal.selectors.review_clocks import due_by, late, state_counts
from appraisal.selectors.reviews import annotate_deadlines, review_stage_due, with_query_counts
from appraisal.templatetags.parcouncil import person, url_pk
from appraisal.workdays import today

PAGE_SIZE = 50
EXPORT_BATCH = 500
BADGES: dict[str, str] = {
    DomainReviewState.COMPLETED: "text-bg-success",
    DomainReviewState.AWAITING_UNIT: "text-bg-warning",
    DomainReviewState.PENDING: "text-bg-light border",
}


@dataclass(frozen=True)
class Filters:
    level: str = ""
    organisation_id: int | None = None
    state: str = ""
    lateness: str = ""  # "late", "due_soon" or "on_time"
    unit: str = ""
    due_soon_days: int = 5

    @property
    def on_cells(self) -> bool:
        return bool(self.organisation_id or self.state or self.lateness)


@dataclass
class Cell:
    pk: int
    domain: str  # the column's code
    state: str
    state_label: str
    badge: str
    late: bool
    completed: bool
    url: str
    who: str
    queries: str  # "2 yêu cầu mở", or ""
    due: datetime.date | None
    selected: bool  # matches the filter (the others are dimmed)


@dataclass
class MatrixRow:
    submission: Submission
    name: str
    url: str
    cells: list[Cell | None]  # one per domain column


@dataclass
class Matrix:
    domains: list[FrameworkNode]
    rows: list[MatrixRow]
    counts: dict[str, int]
    page: Page[Submission]


def _reviews(campaign: Campaign, filters: Filters) -> QuerySet[DomainReview]:
    reviews = DomainReview.objects.filter(campaign=campaign)
    if filters.level:
        reviews = reviews.filter(submission__level=filters.level)
    if filters.unit:
        reviews = reviews.filter(
            Q(submission__unit__code__icontains=filters.unit)
            | Q(submission__unit__name_vi__icontains=filters.unit)
            | Q(submission__unit__name_en__icontains=filters.unit)
        )
    return reviews


def _cell_matches(
    review: DomainReview, filters: Filters, soon: datetime.date, on: datetime.date
) -> bool:
    if filters.organisation_id and review.organisation_id != filters.organisation_id:
        return False
    if filters.state and review.state != filters.state:
        return False
    is_open = review.state != DomainReviewState.COMPLETED
    late = is_open and review.due is not None and review.due < on
    if filters.lateness == "late":
        return late
    if filters.lateness == "due_soon":
        return is_open and not late and review.due is not None and review.due <= soon
    if filters.lateness == "on_time":
        return is_open and not late
    return True


def _submissions(
    campaign: Campaign,
    filters: Filters,
    reviews: QuerySet[DomainReview],
    stage_due: datetime.date | None,
    on: datetime.date,
) -> QuerySet[Submission]:
    """The reports with at least one cell that matches the filters, in the matrix's order."""
    matching = reviews
    if filters.organisation_id:
        matching = matching.filter(organisation_id=filters.organisation_id)
    if filters.state:
        matching = matching.filter(state=filters.state)
    if filters.lateness == "late":
        condition = late(matching, stage_due, on).submission_ids()
    elif filters.lateness == "due_soon":
        soon = on + datetime.timedelta(days=filters.due_soon_days)
        condition = due_by(matching, stage_due, on, soon, since=on).submission_ids()
    elif filters.lateness == "on_time":
        overdue = late(matching, stage_due, on).review_ids()
        on_time = matching.exclude(state=DomainReviewState.COMPLETED).exclude(overdue)
        condition = Q(pk__in=on_time.values("submission_id"))
    else:
        condition = Q(pk__in=matching.values("submission_id"))
    rows = Submission.objects.filter(campaign=campaign).filter(condition).select_related("unit")
    return rows.order_by("level", "unit__code")


def _columns(campaign: Campaign, level: str) -> list[FrameworkNode]:
    """The domains of the campaign's frameworks, one column per code (the same column for
    every level's framework)."""
    frameworks = CampaignFramework.objects.filter(campaign=campaign)
    if level:
        frameworks = frameworks.filter(level=level)
    columns: dict[str, FrameworkNode] = {}
    for domain in FrameworkNode.objects.filter(
        framework_id__in=frameworks.values("framework_id"), kind=NodeKind.DOMAIN
    ).order_by("framework_id", "position"):
        columns.setdefault(domain.code, domain)
    return sorted(
        columns.values(),
        key=lambda d: [int(p) if p.isdigit() else 0 for p in d.code.split(".")],
    )


def _rows(
    submissions: list[Submission],
    columns: list[FrameworkNode],
    filters: Filters,
    stage_due: datetime.date | None,
    on: datetime.date,
) -> list[MatrixRow]:
    """The matrix rows of `submissions`: their reviews, one query (two with the deadlines when
    `stage_due` is not given)."""
    by_id = {submission.pk: submission for submission in submissions}
    reviews = list(
        with_query_counts(
            DomainReview.objects.filter(submission_id__in=by_id).select_related(
                "domain", "organisation", "reviewer"
            )
        ).order_by()
    )
    for review in reviews:
        review.submission = by_id[review.submission_id]
    annotate_deadlines(reviews, on, stage_due={submissions[0].campaign_id: stage_due})
    soon = on + datetime.timedelta(days=filters.due_soon_days)
    cells: dict[int, dict[str, DomainReview]] = {}
    for review in reviews:
        cells.setdefault(review.submission_id, {})[review.domain.code] = review
    labels = {value: str(label) for value, label in DomainReviewState.choices}
    rows = []
    for submission in submissions:
        own = cells.get(submission.pk, {})
        row: list[Cell | None] = []
        for column in columns:
            found = own.get(column.code)
            if found is None:
                row.append(None)
                continue
            review = found
            # annotated by with_query_counts
            open_queries: int = review.open_queries  # type: ignore[attr-defined]
            row.append(
                Cell(
                    pk=review.pk,
                    domain=column.code,
                    state=review.state,
                    state_label=labels.get(review.state, review.state),
                    badge=BADGES.get(review.state, "text-bg-primary"),
                    late=review.late,
                    completed=review.state == DomainReviewState.COMPLETED,
                    url=url_pk("review_detail", review.pk),
                    who=person(review.reviewer) if review.reviewer else review.organisation.code,
                    queries=ngettext("%(n)s yêu cầu mở", "%(n)s yêu cầu mở", open_queries)
                    % {"n": open_queries}
                    if open_queries
                    else "",
                    due=review.due,
                    selected=_cell_matches(review, filters, soon, on),
                )
            )
        rows.append(
            MatrixRow(
                submission,
                submission.unit.name,
                url_pk("submission_detail", submission.pk),
                row,
            )
        )
    return rows


def review_matrix(
    campaign: Campaign, filters: Filters | None = None, page: int | str | None = 1
) -> Matrix:
    """A page of the matrix. The counts are over the campaign (its level and unit filters);
    the rows are the reports with at least one cell that matches the other filters."""
    filters = filters or Filters()
    on = today()
    stage_due = review_stage_due([campaign.pk]).get(campaign.pk)
    reviews = _reviews(campaign, filters)
    counts = state_counts(reviews, stage_due, on)
    columns = _columns(campaign, filters.level)
    current = Paginator(_submissions(campaign, filters, reviews, stage_due, on), PAGE_SIZE)
    shown = current.get_page(page)
    rows = _rows(list(shown), columns, filters, stage_due, on) if len(shown) else []
    return Matrix(columns, rows, counts, shown)


def matrix_export(campaign: Campaign, filters: Filters) -> Iterator[list[str]]:
    """Every row of the filtered matrix as text: a header, then one line per report (for the
    CSV download), read a batch of reports at a time."""
    on = today()
    stage_due = review_stage_due([campaign.pk]).get(campaign.pk)
    columns = _columns(campaign, filters.level)
    yield [_("Mã"), _("Đơn vị"), _("Cấp")] + [f"{_('LV')} {d.code}. {d.name}" for d in columns]
    submissions = _submissions(campaign, filters, _reviews(campaign, filters), stage_due, on)
    ids = list(submissions.values_list("pk", flat=True))
    for start in range(0, len(ids), EXPORT_BATCH):
        batch = list(
            Submission.objects.filter(pk__in=ids[start : start + EXPORT_BATCH])
            .select_related("unit")
            .order_by("level", "unit__code")
        )
        for row in _rows(batch, columns, filters, stage_due, on):
            yield [
                row.submission.unit.code,
                row.name,
                row.submission.get_level_display(),
            ] + [_cell_text(cell) for cell in row.cells]


def _cell_text(cell: Cell | None) -> str:
    if cell is None:
        return "—"
    parts = [cell.state_label, cell.who]
    if cell.late:
        parts.append(_("quá hạn"))
    if cell.due:
        parts.append(cell.due.strftime("%d/%m/%Y"))
    if cell.queries:
        parts.append(cell.queries)
    return " · ".join(parts)
