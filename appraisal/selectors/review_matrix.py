"""The secretariat's matrix: every report × domain of a year, with where each review stands."""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from appraisal.models import (
    Campaign,
    DomainReview,
    FrameworkNode,
    Submission,
)
from appraisal.selectors.reviews import REVIEW_RELATED, annotate_deadlines, with_query_counts
from appraisal.workdays import today


@dataclass
class MatrixRow:
    submission: Submission
    cells: list[DomainReview | None]  # one per domain column


@dataclass
class Matrix:
    domains: list[FrameworkNode]
    rows: list[MatrixRow]
    counts: dict[str, int]


def review_matrix(
    campaign: Campaign,
    *,
    level: str = "",
    organisation_id: int | None = None,
    state: str = "",
    lateness: str = "",
    due_soon_days: int = 5,
    unit: str = "",
) -> Matrix:
    """Units × domains with the state of every domain review. Filters keep the rows where
    at least one cell matches. Three queries whatever the number of units."""
    reviews = DomainReview.objects.filter(submission__campaign=campaign).select_related(
        *REVIEW_RELATED
    )
    if level:
        reviews = reviews.filter(submission__level=level)
    if unit:
        reviews = reviews.filter(
            Q(submission__unit__code__icontains=unit)
            | Q(submission__unit__name_vi__icontains=unit)
            | Q(submission__unit__name_en__icontains=unit)
        )
    rows = list(with_query_counts(reviews).order_by("submission__level", "submission__unit__code"))
    annotate_deadlines(rows)
    soon = today() + datetime.timedelta(days=due_soon_days)

    def matches(review: DomainReview) -> bool:
        if organisation_id and review.organisation_id != organisation_id:
            return False
        if state and review.state != state:
            return False
        if lateness == "late":
            return review.late
        if lateness == "due_soon":
            return (
                review.is_open and not review.late and review.due is not None and review.due <= soon
            )
        if lateness == "on_time":
            return review.is_open and not review.late
        return True

    domain_order: dict[str, FrameworkNode] = {}
    by_submission: dict[int, dict[str, DomainReview]] = {}
    submissions: dict[int, Submission] = {}
    counts: dict[str, int] = {}
    for review in rows:
        key = review.domain.code  # the same column for every level's framework
        domain_order.setdefault(key, review.domain)
        by_submission.setdefault(review.submission_id, {})[key] = review
        submissions[review.submission_id] = review.submission
        counts[review.state] = counts.get(review.state, 0) + 1
        counts["late"] = counts.get("late", 0) + review.late
    keys = sorted(
        domain_order, key=lambda code: [int(p) if p.isdigit() else 0 for p in code.split(".")]
    )
    matrix_rows = []
    for submission_id, cells in by_submission.items():
        if not any(matches(review) for review in cells.values()):
            continue
        row_cells: list[DomainReview | None] = []
        for key in keys:
            cell = cells.get(key)
            if cell is not None:
                cell.selected_by_filter = matches(cell)
            row_cells.append(cell)
        matrix_rows.append(MatrixRow(submissions[submission_id], row_cells))
    return Matrix([domain_order[k] for k in keys], matrix_rows, counts)
