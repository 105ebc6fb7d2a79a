"""Which open reviews are due by a day, read so that the cost does not grow with the campaign.

A review's deadline is its own (granted) or the review stage's, pushed back by the working
days its clock stood still while a query waited on the unit (`DomainReview.due_on`). For a
review whose clock never stopped that is a plain date the database compares, counts and
sorts itself; only the reviews that were paused — the few with queries to the unit — need
the working-day calendar, in Python. The matrix and the managers' dashboard count late
reviews, filter by lateness and list this week's risks this way over any number of units.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, DateField, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from appraisal.models import DomainReview
from appraisal.models.states import DomainReviewState

# the deadline of a review that never paused, as the database computes it (a name of its
# own: the model's `due` is the Python attribute the pages set)
DUE = "clock_due"

# what a review's deadline is computed from, and what the lists filter on
CLOCK_FIELDS = (
    "state",
    "organisation",
    "submission",
    "due_override",
    "paused_days",
    "paused_since",
)


@dataclass
class DueBy:
    """The open reviews due within [since, until]: `plain` (never paused) as a query with
    its `due`, `paused` as objects with theirs."""

    plain: QuerySet[DomainReview]
    paused: list[DomainReview]

    def submission_ids(self) -> Q:
        """A condition on reports: those with a review here."""
        return Q(pk__in=self.plain.values("submission_id")) | Q(
            pk__in=sorted({review.submission_id for review in self.paused})
        )

    def review_ids(self) -> Q:
        return Q(pk__in=self.plain.values("pk")) | Q(pk__in=[r.pk for r in self.paused])

    def before(self, day: datetime.date) -> "DueBy":
        """Those due before `day` (the late ones, for the day of reading): no query."""
        return DueBy(
            self.plain.filter(**{f"{DUE}__lt": day}),
            [r for r in self.paused if r.due is not None and r.due < day],
        )

    def without(self, state: str) -> "DueBy":
        return DueBy(self.plain.exclude(state=state), [r for r in self.paused if r.state != state])


def due_by(
    reviews: QuerySet[DomainReview],
    stage_due: datetime.date | None,
    on: datetime.date,
    until: datetime.date,
    since: datetime.date | None = None,
) -> DueBy:
    """The open reviews of `reviews` whose deadline, as it stands `on`, falls within
    [`since`, `until`]. Two queries; the second reads only paused reviews that could be."""
    open_reviews = reviews.exclude(state=DomainReviewState.COMPLETED).order_by()
    never_paused = Q(paused_days=0, paused_since__isnull=True)
    plain = with_clock_due(open_reviews.filter(never_paused), stage_due)
    plain = plain.filter(**{f"{DUE}__lte": until})
    if since is not None:
        plain = plain.filter(**{f"{DUE}__gte": since})
    # a pause only pushes a deadline back: only a review whose own or stage deadline is on
    # or before `until` can be due by then
    possible = Q(due_override__lte=until)
    if stage_due is not None and stage_due <= until:
        possible |= Q(due_override__isnull=True)
    paused = []
    for review in open_reviews.exclude(never_paused).filter(possible).only(*CLOCK_FIELDS):
        review.due = review.due_on(stage_due, on)
        if (
            review.due is not None
            and review.due <= until
            and (since is None or review.due >= since)
        ):
            paused.append(review)
    return DueBy(plain, paused)


def late(
    reviews: QuerySet[DomainReview], stage_due: datetime.date | None, on: datetime.date
) -> DueBy:
    return due_by(reviews, stage_due, on, on - datetime.timedelta(days=1))


def with_clock_due(
    reviews: QuerySet[DomainReview], stage_due: datetime.date | None
) -> QuerySet[DomainReview]:
    """`reviews` with the deadline of those never paused (DUE), for conditions and counts."""
    return reviews.alias(
        **{DUE: Coalesce("due_override", Value(stage_due, output_field=DateField()))}
    )


def late_never_paused(on: datetime.date) -> Q:
    """Of `with_clock_due` reviews: open, never paused, and past their deadline `on`."""
    return Q(paused_days=0, paused_since__isnull=True, **{f"{DUE}__lt": on}) & ~Q(
        state=DomainReviewState.COMPLETED
    )


def state_counts(
    reviews: QuerySet[DomainReview], stage_due: datetime.date | None, on: datetime.date
) -> dict[str, int]:
    """How many reviews stand in each state, and how many are late (under "late"): one
    aggregate for the states and the never-paused late ones, one read of the paused ones."""
    rows = list(
        with_clock_due(reviews.order_by(), stage_due)
        .values("state")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=late_never_paused(on)))
        .values_list("state", "n", "overdue")
    )
    counts = {state: number for state, number, _late in rows}
    counts["late"] = sum(number for _s, _n, number in rows) + len(
        late(reviews, stage_due, on).paused
    )
    return counts
