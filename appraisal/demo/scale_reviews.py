"""National-scale demo data, the review part: domain reviews in every state, and the queries
between reviewers and units."""

import datetime

from django.utils import timezone

from appraisal.demo.scale_base import (
    BATCH,
    LIVE_REVIEW_STATES,
    ORDER,
    People,
    R,
    S,
    chunks,
    every,
    propose,
)
from appraisal.demo.scale_rows import insert_rows, reserve_ids
from appraisal.models import (
    DomainReview,
    FrameworkNode,
    Organisation,
    Query,
    QueryMessage,
    ScoreItem,
)
from appraisal.models.choices import NodeKind, ScoringMode
from appraisal.models.states import QueryState
from workflow.services.assignments import grant_reviewers


def reviewer_for(people: People, organisation: Organisation, unit_id: int, n: int):
    """One of the organisation's reviewers in turn; another organisation's when the report is
    the reviewers' own organisation's (conflict of interest)."""
    if organisation.pk != unit_id:
        own = people.reviewers[organisation.pk]
        return own[n % len(own)]
    other = next(org for org in people.reviewers if org != unit_id)
    return people.reviewers[other][0]


def make_reviews(campaign, submissions, states, frameworks, reviewing, people, live: bool) -> list:
    domains = {
        framework.pk: list(
            FrameworkNode.objects.filter(framework=framework, kind=NodeKind.DOMAIN)
            .select_related("owner")
            .order_by("position")
        )
        for framework in frameworks
    }
    now = timezone.now()
    rows = []
    for n, submission in enumerate(submissions):
        state = states[submission.pk]
        if ORDER.index(state) < ORDER.index(S.UNDER_REVIEW):
            continue
        for d, domain in enumerate(domains[submission.framework_id]):
            if state == S.UNDER_REVIEW:
                review_state = LIVE_REVIEW_STATES[(n + d) % len(LIVE_REVIEW_STATES)]
            else:
                review_state = R.COMPLETED
            assert domain.owner is not None  # the sample frameworks name every domain's owner
            organisation = reviewing[domain.owner.code]
            reviewer = None
            if review_state != R.PENDING:
                reviewer = reviewer_for(people, organisation, submission.unit_id, n + d)
            rows.append(
                DomainReview(
                    submission=submission,
                    campaign_id=submission.campaign_id,
                    domain=domain,
                    organisation=organisation,
                    reviewer=reviewer,
                    state=review_state,
                    paused_since=now - datetime.timedelta(days=2)
                    if review_state == R.AWAITING_UNIT
                    else None,
                )
            )
    reviews = DomainReview.objects.bulk_create(rows, batch_size=5000)

    grant_reviewers([review for review in reviews if review.reviewer_id])
    if live:  # what the reviewers have proposed so far in the reports under review
        started: dict[int, list[int]] = {}
        for review in reviews:
            if states[review.submission_id] == S.UNDER_REVIEW and review.state in (
                R.IN_PROGRESS,
                R.AWAITING_UNIT,
                R.COMPLETED,
            ):
                started.setdefault(review.domain_id, []).append(review.submission_id)
        # one bulk update per domain and batch of reports: one OR of every (domain, report)
        # pair made PostgreSQL's JIT compile for over 20 minutes at 2,100 units
        for domain_id, submission_ids in started.items():
            for batch in chunks(submission_ids, BATCH):
                propose(ScoreItem.objects.filter(domain_id=domain_id, submission_id__in=batch))
    return reviews


QUESTION = (
    "Đề nghị đơn vị bổ sung văn bản chứng minh kết quả thực hiện và giải trình cách tính điểm."
)


ANSWER = "Đơn vị đã bổ sung văn bản và giải trình cách tính điểm theo yêu cầu."


def make_queries(campaign, reviews, people: People, live: bool) -> int:
    """One query on one item in ten of every review that started: closed (accepted) when the
    review is completed, answered while it is in progress, open while it waits on the unit."""
    state_of = {
        R.COMPLETED: QueryState.CLOSED,
        R.IN_PROGRESS: QueryState.ANSWERED,
        R.AWAITING_UNIT: QueryState.OPEN,
    }
    by_pair = {(r.submission_id, r.domain_id): r for r in reviews if r.state in state_of}
    unit_of = dict(campaign.submissions.values_list("pk", "unit_id"))
    items = every(
        ScoreItem.objects.filter(submission__campaign=campaign).exclude(
            scoring_mode=ScoringMode.SURVEY
        ),
        10,
    ).values_list("pk", "submission_id", "domain_id")
    now = timezone.now()
    due = datetime.date(campaign.year, 11, 20) if not live else timezone.localdate()
    plan, queries = [], []
    for pk, submission_id, domain_id in items:
        review = by_pair.get((submission_id, domain_id))
        if review is None:
            continue
        state = state_of[review.state]
        focal = people.focal[unit_of[submission_id]]
        answered = state != QueryState.OPEN
        plan.append((pk, review, focal))
        queries.append(
            Query(
                review=review,
                question=QUESTION,
                due_on=due + datetime.timedelta(days=7) if state == QueryState.OPEN else due,
                state=state,
                raised_by_id=review.reviewer_id,
                answer=ANSWER if answered else "",
                answered_at=now if answered else None,
                answered_by=focal if answered else None,
                accepted=True if state == QueryState.CLOSED else None,
                closed_at=now if state == QueryState.CLOSED else None,
            )
        )
    queries = Query.objects.bulk_create(queries, batch_size=5000)
    through = Query.items.through
    insert_rows(
        through,
        ("id", "query_id", "scoreitem_id"),
        (
            (link, query.pk, pk)
            for link, query, (pk, _r, _f) in zip(
                reserve_ids(through, len(plan)), queries, plan, strict=True
            )
        ),
    )
    # the conversation of each query: its question, then its answer and its closing note
    messages = []
    for query, (_pk, review, focal) in zip(queries, plan, strict=True):
        messages.append((query.pk, QueryMessage.Kind.QUESTION, QUESTION, review.reviewer_id))
        if query.state != QueryState.OPEN:
            messages.append((query.pk, QueryMessage.Kind.ANSWER, ANSWER, focal.pk))
        if query.state == QueryState.CLOSED:
            messages.append(
                (query.pk, QueryMessage.Kind.CLOSE, "Chấp nhận giải trình.", review.reviewer_id)
            )
    insert_rows(
        QueryMessage,
        ("id", "query_id", "kind", "text", "author_id", "created_at"),
        (
            (message_id, *message, now)
            for message_id, message in zip(
                reserve_ids(QueryMessage, len(messages)), messages, strict=True
            )
        ),
    )
    return len(queries)
