"""Reads of the line-ministry review: routing, the coordinator's queue, the reviewer's
list, the review page and the secretariat's matrix. Each is a fixed number of queries
whatever the number of units, domains or reviews."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet

from appraisal import permissions
from appraisal.models import (
    Campaign,
    DomainOwner,
    DomainReview,
    FrameworkNode,
    ItemNote,
    Organisation,
    Query,
    QueryMessage,
    RoleAssignment,
    ScoreItem,
    StageDeadline,
    Submission,
)
from appraisal.models.choices import NodeKind, Role, ScoringMode, Stage
from appraisal.models.states import DomainReviewState, QueryState
from appraisal.permissions.programs import Person
from appraisal.selectors.workspace import with_evidence
from appraisal.workdays import today
from documents.models import Document

# rows per page of the review lists (queue, a reviewer's own)
PAGE_SIZE = 100

# Domain reviews with what every list shows.
REVIEW_RELATED = (
    "submission",
    "submission__unit",
    "submission__campaign",
    "domain",
    "organisation",
    "reviewer",
)


# Routing ------------------------------------------------------------------------------


@dataclass
class Route:
    domain: FrameworkNode
    default: Organisation | None
    organisation: Organisation | None
    changed: bool


def domain_routes(campaign: Campaign) -> list[Route]:
    """Every domain of the campaign's frameworks and who reviews it: the campaign's mapping
    where the secretariat set one, else the owner named in the framework. Two queries."""
    overrides = {
        row.domain_id: row.organisation
        for row in DomainOwner.objects.filter(campaign=campaign).select_related("organisation")
    }
    domains = (
        FrameworkNode.objects.filter(framework__campaigns__campaign=campaign, kind=NodeKind.DOMAIN)
        .select_related("owner", "framework")
        .order_by("framework__level", "position")
    )
    return [
        Route(
            domain=domain,
            default=domain.owner,
            organisation=overrides.get(domain.pk, domain.owner),
            changed=domain.pk in overrides and overrides[domain.pk] != domain.owner,
        )
        for domain in domains
    ]


def routing_map(campaign: Campaign) -> dict[int, int | None]:
    """domain id → organisation id, as `domain_routes` decides."""
    return {
        route.domain.pk: route.organisation.pk if route.organisation else None
        for route in domain_routes(campaign)
    }


def reviewing_organisations(program_id: int) -> QuerySet[Organisation]:
    """Organisations that can review: those with a coordinator or reviewer in the program,
    and those that own a domain of its frameworks."""
    with_people = RoleAssignment.objects.filter(
        program_id=program_id, role__in=[Role.COORDINATOR, Role.REVIEWER]
    ).values("organisation_id")
    owners = FrameworkNode.objects.filter(
        framework__program_id=program_id, kind=NodeKind.DOMAIN
    ).values("owner_id")
    return Organisation.objects.filter(Q(pk__in=with_people) | Q(pk__in=owners)).order_by("code")


# Deadlines -----------------------------------------------------------------------------


def review_stage_due(campaign_ids: Iterable[int]) -> dict[int, datetime.date]:
    return dict(
        StageDeadline.objects.filter(campaign_id__in=campaign_ids, stage=Stage.REVIEW)
        .order_by()
        .values_list("campaign_id", "due_on")
    )


def annotate_deadlines(
    reviews: list[DomainReview],
    today_: datetime.date | None = None,
    stage_due: dict[int, datetime.date | None] | None = None,
) -> None:
    """Give each review its `due` (the clock's deadline) and `late` flag: one query, none
    when the caller has read each campaign's `stage_due` already."""
    today_ = today_ or today()
    due = (
        stage_due
        if stage_due is not None
        else review_stage_due({review.submission.campaign_id for review in reviews})
    )
    for review in reviews:
        review.due = review.due_on(due.get(review.submission.campaign_id), today_)
        review.late = review.is_open and review.due is not None and review.due < today_


def with_query_counts(reviews: QuerySet[DomainReview]) -> QuerySet[DomainReview]:
    return reviews.annotate(
        open_queries=Count("queries", filter=Q(queries__state=QueryState.OPEN), distinct=True),
        answered_queries=Count(
            "queries", filter=Q(queries__state=QueryState.ANSWERED), distinct=True
        ),
    )


# Queue and lists -----------------------------------------------------------------------


def review_queue(
    user: Person,
    campaign: Campaign,
    *,
    organisation_id: int | None = None,
    state: str = "pending",
    page: int | str | None = None,
    unit: str = "",
    sort: str = "",
) -> Page[DomainReview]:
    """The domain reviews a coordinator (their ministry's) or the secretariat (every
    ministry's) assigns, a page at a time: three queries. `unit` finds units by code or
    name; `sort` is one of QUEUE_SORTS."""
    reviews = permissions.visible_reviews(user, campaign).select_related(*REVIEW_RELATED)
    if not permissions.sees_all_units(user, campaign.program_id):
        reviews = reviews.filter(
            organisation_id__in=permissions.coordinated_organisation_ids(user, campaign.program_id)
        )
    if organisation_id:
        reviews = reviews.filter(organisation_id=organisation_id)
    if state == "pending":
        reviews = reviews.filter(state=DomainReviewState.PENDING)
    elif state == "active":
        reviews = reviews.filter(
            state__in=[
                DomainReviewState.ASSIGNED,
                DomainReviewState.IN_PROGRESS,
                DomainReviewState.AWAITING_UNIT,
            ]
        )
    elif state == "completed":
        reviews = reviews.filter(state=DomainReviewState.COMPLETED)
    if unit:
        reviews = reviews.filter(
            Q(submission__unit__code__icontains=unit)
            | Q(submission__unit__name_vi__icontains=unit)
            | Q(submission__unit__name_en__icontains=unit)
        )
    order = QUEUE_SORTS.get(sort) or (
        "organisation__code",
        "submission__level",
        "submission__unit__code",
        "domain__position",
    )
    return _page(with_query_counts(reviews).order_by(*order, "pk"), page)


QUEUE_SORTS = {
    "unit": ("submission__unit__name_vi", "domain__position"),
    "-unit": ("-submission__unit__name_vi", "domain__position"),
    "domain": ("domain__position", "submission__unit__code"),
    "-domain": ("-domain__position", "submission__unit__code"),
    "organisation": ("organisation__code", "submission__unit__code", "domain__position"),
    "-organisation": ("-organisation__code", "submission__unit__code", "domain__position"),
    "reviewer": ("reviewer__first_name", "reviewer__username", "submission__unit__code"),
    "-reviewer": ("-reviewer__first_name", "-reviewer__username", "submission__unit__code"),
    "state": ("state", "submission__unit__code", "domain__position"),
    "-state": ("-state", "submission__unit__code", "domain__position"),
}


def _page(reviews: QuerySet[DomainReview], number: int | str | None) -> Page[DomainReview]:
    """One page of reviews, their deadlines worked out: a list never loads a whole table."""
    page = Paginator(reviews, PAGE_SIZE).get_page(number)
    page.object_list = list(page.object_list)
    annotate_deadlines(page.object_list)
    return page


@dataclass
class ReviewerLoad:
    user: User
    organisation_id: int | None
    load: int
    organisation: Organisation | None = None  # the reviewer's ministry, shown in every picker


def reviewer_loads(reviewer_ids: Iterable[int]) -> dict[int, int]:
    """How many open domain reviews (assigned, in progress, waiting on the unit) each reviewer
    holds now: one grouped count."""
    return dict(
        DomainReview.objects.filter(
            reviewer_id__in=list(reviewer_ids),
            state__in=[
                DomainReviewState.ASSIGNED,
                DomainReviewState.IN_PROGRESS,
                DomainReviewState.AWAITING_UNIT,
            ],
        )
        .order_by()  # the model's ordering would join every report, campaign and unit
        .values("reviewer_id")
        .annotate(n=Count("id"))
        .values_list("reviewer_id", "n")
    )


def assignable_reviewers(
    user: Person, campaign: Campaign, organisation_ids: set[int] | None = None
) -> list[ReviewerLoad]:
    """Reviewers the user may put on reviews, with their current load: two queries. The
    secretariat may choose any reviewer of the program; a coordinator, their ministry's."""
    program_id = campaign.program_id
    grants = RoleAssignment.objects.filter(program_id=program_id, role=Role.REVIEWER)
    if not permissions.is_secretariat(user, program_id):
        grants = grants.filter(
            organisation_id__in=permissions.coordinated_organisation_ids(user, program_id)
        )
    elif organisation_ids:
        grants = grants.filter(organisation_id__in=organisation_ids)
    pairs = list(
        grants.select_related("user", "organisation").order_by(
            "organisation__code", "user__last_name", "user__username"
        )
    )
    loads = reviewer_loads(g.user_id for g in pairs)
    seen: set[int] = set()
    out = []
    for grant in pairs:
        if grant.user_id in seen or not grant.user.is_active:
            continue
        seen.add(grant.user_id)
        out.append(
            ReviewerLoad(
                grant.user, grant.organisation_id, loads.get(grant.user_id, 0), grant.organisation
            )
        )
    return out


def reviewers_by_ids(candidates: list[ReviewerLoad], ids: Iterable[str]) -> list[User]:
    wanted = {int(i) for i in ids if str(i).isdigit()}
    return [c.user for c in candidates if c.user.pk in wanted]


def my_reviews(
    user: Person, *, show: str = "open", page: int | str | None = None
) -> Page[DomainReview]:
    """The reviewer's own domain reviews across programs and years, with open queries, a
    page at a time: three queries."""
    reviews = DomainReview.objects.filter(reviewer_id=user.pk).select_related(*REVIEW_RELATED)
    if show == "open":
        reviews = reviews.exclude(state=DomainReviewState.COMPLETED)
    return _page(
        with_query_counts(reviews).order_by(
            "-submission__campaign__year", "submission__unit__code", "domain__position"
        ),
        page,
    )


# The review page -----------------------------------------------------------------------


@dataclass
class ReviewPage:
    items: list[ScoreItem]
    queries: list[Query]
    proposed: int = 0
    applicable: int = 0
    differs: int = 0
    self_total: Decimal = Decimal(0)
    review_total: Decimal = Decimal(0)
    notes: dict[int, ItemNote] = field(default_factory=dict)


def review_page(review: DomainReview, *, with_notes: bool) -> ReviewPage:
    """The items of the domain with the unit's scores, explanations and evidence, the
    reviewer's proposals, queries and (for those who may see them) internal notes: a fixed
    handful of queries."""
    items = with_evidence(
        list(
            ScoreItem.objects.filter(submission_id=review.submission_id, domain_id=review.domain_id)
            .select_related("node", "node__parent")
            .defer("node__parent__guidance", "node__parent__method_params")
            .order_by("position")
        )
    )
    queries = list(
        Query.objects.filter(review=review)
        .select_related("raised_by", "answered_by")
        .prefetch_related(
            *_query_parts(),
        )
        .order_by("-raised_at")
    )
    page = ReviewPage(items=items, queries=queries)
    if with_notes:
        page.notes = {
            note.item_id: note
            for note in ItemNote.objects.filter(item__in=[i.pk for i in items]).select_related(
                "updated_by"
            )
        }
    by_item: dict[int, list[Query]] = {}
    for query in queries:
        for item in query.items.all():
            by_item.setdefault(item.pk, []).append(query)
    for item in items:
        item.item_queries = by_item.get(item.pk, [])
        item.note = page.notes.get(item.pk)
        if not item.applicable or item.scoring_mode == ScoringMode.SURVEY:
            continue
        page.applicable += 1
        page.proposed += item.review_score is not None
        page.differs += (
            item.review_score is not None
            and item.self_score is not None
            and item.review_score != item.self_score
        )
        page.self_total += item.self_score or 0
        page.review_total += item.review_score or 0
    return page


def _answer_documents() -> QuerySet[Document]:
    return Document.objects.select_related("current").order_by("pk")


def _query_parts() -> "tuple[Prefetch[Any, Any, Any], ...]":  # Prefetch[] only for mypy
    """A query's items, conversation and files, each in its own order: the models' default
    orderings would join every message to its query, review, report, campaign and program."""
    return (
        Prefetch("items", queryset=ScoreItem.objects.select_related("node").order_by("position")),
        Prefetch(
            "messages",
            queryset=QueryMessage.objects.select_related("author").order_by("created_at", "pk"),
        ),
        Prefetch("documents", queryset=_answer_documents()),
    )


def queries_for_unit(submission: Submission) -> list[Query]:
    """The queries addressed to a unit's submission, with their conversation and files."""
    return list(
        Query.objects.filter(review__submission=submission)
        .select_related(
            "review__domain", "review__submission__campaign", "raised_by", "answered_by"
        )
        .prefetch_related(
            *_query_parts(),
        )
        .order_by("state", "due_on", "pk")
    )


# The secretariat's matrix --------------------------------------------------------------
