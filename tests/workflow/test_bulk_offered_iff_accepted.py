"""Issue 14: the bulk actions of the review pages — assign one reviewer, share evenly, remind,
reassign — are offered to a person if and only if their service accepts them from that
person, for the reviews that person sees."""

import pytest
from django.urls import reverse

from appraisal.models import DomainReview
from tests.conftest import make_user, reviews_started
from tests.workflow.test_offered_iff_accepted import accepted
from workflow.services.assignments import reviews_assign, reviews_distribute
from workflow.services.reviews import reviews_remind

pytestmark = pytest.mark.django_db
PERSONAS = (
    "secretariat",
    "finance_coordinator",
    "finance_reviewer",
    "manager",
    "chair",
    "bacninh_focal",
    "outsider",
)


@pytest.fixture
def finance_reviews(cast, campaign, bac_ninh):
    hanoi = campaign.submissions.get(unit__code="01")
    reviews_started([bac_ninh, hanoi], cast["secretariat"])
    return list(DomainReview.objects.filter(organisation__code="BTC").order_by("pk"))


def test_the_queues_assignment_is_offered_iff_accepted(client, cast, finance_reviews):
    for persona in PERSONAS:
        queue_offers_iff_accepted(client, cast, finance_reviews, cast[persona])


def queue_offers_iff_accepted(client, cast, finance_reviews, user) -> None:
    client.force_login(user)
    page = client.get(reverse("review_queue", args=[finance_reviews[0].submission.campaign_id]))
    offered_assign = page.status_code == 200 and 'value="single"' in page.content.decode()
    offered_share = page.status_code == 200 and 'value="distribute"' in page.content.decode()
    reviewer = cast["finance_reviewer"]
    who = user.get_username()
    assert offered_assign == accepted(
        reviews_assign, plan=[(r, reviewer) for r in finance_reviews], actor=user
    ), who
    assert offered_share == accepted(
        reviews_distribute, reviews=finance_reviews, reviewers=[reviewer], actor=user
    ), who


def test_the_matrixs_remind_and_reassign_are_offered_iff_accepted(
    client, cast, finance_reviews, orgs, program
):
    reviewer = cast["finance_reviewer"]
    reviews_assign(plan=[(r, reviewer) for r in finance_reviews], actor=cast["secretariat"])
    # reassigning evenly to another Finance reviewer
    other = make_user("thamdinh2.btc", ("reviewer", orgs["BTC"]), program=program)
    for persona in PERSONAS:
        matrix_offers_iff_accepted(client, finance_reviews, cast[persona], other)


def matrix_offers_iff_accepted(client, finance_reviews, user, other) -> None:
    client.force_login(user)
    campaign_id = finance_reviews[0].submission.campaign_id
    page = client.get(reverse("review_matrix", args=[campaign_id]))
    body = page.content.decode() if page.status_code == 200 else ""
    who = user.get_username()
    assert ('value="remind"' in body) == accepted(
        reviews_remind, reviews=finance_reviews, actor=user
    ), who
    # the secretariat reassigns from its matrix, a coordinator from the queue (every state)
    queue = client.get(reverse("review_queue", args=[campaign_id]), {"state": "all"})
    offered = 'value="reassign"' in body or (
        queue.status_code == 200 and 'value="distribute"' in queue.content.decode()
    )
    assert offered == accepted(
        reviews_distribute, reviews=finance_reviews, reviewers=[other], actor=user
    ), who
