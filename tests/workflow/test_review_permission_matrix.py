"""Every role × every domain-review and query transition × every state."""

import datetime

import pytest

from appraisal.models import DomainReview, Query
from appraisal.models.states import DomainReviewState as R
from appraisal.models.states import QueryState as Qs
from workflow.flows import DomainReviewFlow, QueryFlow
from workflow.services.assignments import review_assign
from workflow.services.submissions import (
    submission_approve,
    submission_send_for_approval,
    submission_start_review,
)

pytestmark = pytest.mark.django_db

PERSONAS = [
    "bacninh_focal",
    "bacninh_leader",
    "hanoi_focal",
    "secretariat",
    "chair",
    "finance_reviewer",
    "home_reviewer",
    "finance_coordinator",
    "justice_coordinator",
    "outsider",
    "system",
]

REVIEW_EXPECTED = {
    "assign": ({R.PENDING, R.ASSIGNED}, {"secretariat", "finance_coordinator"}),
    "reassign": ({R.IN_PROGRESS, R.AWAITING_UNIT}, {"secretariat", "finance_coordinator"}),
    "start": ({R.ASSIGNED}, {"finance_reviewer"}),
    "await_unit": (
        {R.IN_PROGRESS},
        {"finance_reviewer", "bacninh_focal", "bacninh_leader", "system"},
    ),
    "resume": (
        {R.AWAITING_UNIT},
        {"finance_reviewer", "bacninh_focal", "bacninh_leader", "system"},
    ),
    "complete": ({R.IN_PROGRESS, R.AWAITING_UNIT}, {"finance_reviewer"}),
    "reopen": ({R.COMPLETED}, {"secretariat", "chair"}),
}
QUERY_EXPECTED = {
    "answer": ({Qs.OPEN}, {"bacninh_focal", "bacninh_leader"}),
    "close": ({Qs.OPEN, Qs.ANSWERED}, {"finance_reviewer"}),
    "reopen": ({Qs.ANSWERED, Qs.CLOSED}, {"finance_reviewer"}),
}


@pytest.fixture
def finance_review(cast, bac_ninh):
    submission_send_for_approval(submission=bac_ninh, actor=cast["bacninh_focal"])
    submission_approve(submission=bac_ninh, actor=cast["bacninh_leader"])
    submission_start_review(submission=bac_ninh, actor=cast["secretariat"])
    review = DomainReview.objects.get(submission=bac_ninh, domain__code="6")
    return review_assign(
        review=review, reviewer=cast["finance_reviewer"], actor=cast["finance_coordinator"]
    )


def mismatches(flow_class, obj, reload, states, expected, cast):
    found = []
    for state in states:
        type(obj).objects.filter(pk=obj.pk).update(state=state)
        current = reload()
        for persona in PERSONAS:
            user = None if persona == "system" else cast[persona]
            for name, (sources, allowed_personas) in expected.items():
                bound = getattr(flow_class(current, actor=user), name)
                allowed = bound.can_proceed(check_conditions=False) and bound.has_perm(user)
                if allowed != (state in sources and persona in allowed_personas):
                    found.append((state, persona, name, allowed))
    return found


def test_the_matrices_cover_every_declared_transition():
    assert {m.slug for m in DomainReviewFlow.state.get_transitions()} == set(REVIEW_EXPECTED)
    assert {m.slug for m in QueryFlow.state.get_transitions()} == set(QUERY_EXPECTED)


def test_domain_review_matrix(cast, finance_review):
    def reload():
        return DomainReview.objects.select_related("submission__campaign").get(pk=finance_review.pk)

    assert (
        mismatches(DomainReviewFlow, finance_review, reload, R.values, REVIEW_EXPECTED, cast) == []
    )


def test_query_matrix(cast, finance_review):
    query = Query.objects.create(
        review=finance_review,
        question="?",
        due_on=datetime.date(2027, 1, 1),
        raised_by=cast["finance_reviewer"],
    )

    def reload():
        return Query.objects.select_related("review__submission__campaign").get(pk=query.pk)

    assert mismatches(QueryFlow, query, reload, Qs.values, QUERY_EXPECTED, cast) == []
