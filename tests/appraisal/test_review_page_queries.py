"""The review pages cost the same number of queries with 3 units and with 60."""

import pytest
from django.urls import reverse

from appraisal.models import DomainReview
from tests.appraisal.test_page_queries import provinces
from tests.conftest import reviews_started
from workflow.services.assignments import reviews_distribute
from workflow.services.queries import query_raise
from workflow.services.reviews import review_start

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[3, 60], ids=["3-units", "60-units"])
def reviewing(request, cast, campaign_factory):
    campaign = campaign_factory(units=provinces(request.param))
    submissions = list(campaign.submissions.all())
    reviews_started(submissions, cast["secretariat"])
    finance = list(DomainReview.objects.filter(organisation__code="BTC"))
    reviews_distribute(
        reviews=finance, reviewers=[cast["finance_reviewer"]], actor=cast["secretariat"]
    )
    for review in finance:
        review = review_start(review=review, actor=cast["finance_reviewer"])
        item = review.submission.items.filter(domain_id=review.domain_id).first()
        query_raise(review=review, items=[item], question="?", actor=cast["finance_reviewer"])
    return campaign


def test_the_coordinators_queue(client, cast, reviewing, django_assert_num_queries):
    client.force_login(cast["finance_coordinator"])
    # session, user, campaign, role grants, the count of reviews, a page of reviews with
    # counts, deadlines, reviewer grants, reviewer loads, the ministries of the filter
    with django_assert_num_queries(10):
        response = client.get(reverse("review_queue", args=[reviewing.pk]), {"state": "all"})
    assert len(response.context["reviews"]) == reviewing.submissions.count()


def test_the_secretariats_matrix(client, cast, reviewing, django_assert_num_queries):
    client.force_login(cast["secretariat"])
    # session, user, campaign, role grants, reviews with counts, deadlines, reviewers with
    # their grants, reviewer loads, the ministries of the filter
    with django_assert_num_queries(9):
        response = client.get(reverse("review_matrix", args=[reviewing.pk]))
    assert len(response.context["matrix"].rows) == reviewing.submissions.count()


def test_the_reviewers_list(client, cast, reviewing, django_assert_num_queries):
    client.force_login(cast["finance_reviewer"])
    # session, user, role grants (menu), the count of reviews, a page of reviews with counts,
    # deadlines
    with django_assert_num_queries(6):
        response = client.get(reverse("review_list"))
    assert len(response.context["reviews"]) == reviewing.submissions.count()


def test_the_inbox_of_a_reviewer(client, cast, reviewing, django_assert_num_queries):
    client.force_login(cast["finance_reviewer"])
    # session, user, role grants, submissions waiting, domain reviews, deadlines, queries,
    # (no not-applicable requests for a reviewer)
    with django_assert_num_queries(6):
        response = client.get(reverse("inbox"))
    # every review waits on its unit (a query is open): nothing is the reviewer's to do,
    # the reviews and their queries are shown apart, as waiting on others
    assert response.context["entries"] == []
    assert len(response.context["waiting"]) == 2 * reviewing.submissions.count()


@pytest.fixture(params=[1, 12], ids=["1-query", "12-queries"])
def busy_review(request, cast, bac_ninh):
    reviews_started([bac_ninh], cast["secretariat"])
    review = DomainReview.objects.get(submission=bac_ninh, domain__code="6")
    reviews_distribute(
        reviews=[review], reviewers=[cast["finance_reviewer"]], actor=cast["secretariat"]
    )
    review = review_start(review=review, actor=cast["finance_reviewer"])
    items = list(bac_ninh.items.filter(domain_id=review.domain_id))
    for n in range(request.param):
        query_raise(
            review=review,
            items=items[: n % 3 + 1],
            question=f"Câu {n}",
            actor=cast["finance_reviewer"],
        )
    return review


def test_the_review_page(client, cast, busy_review, django_assert_num_queries):
    client.force_login(cast["finance_reviewer"])
    # session, user, review with its submission, unit, domain..., role grants, guardian
    # user and group grants, "has a review of theirs" (may see notes), items with nodes,
    # their evidence bindings, queries, their items, messages, answer files, internal
    # notes, stage deadline
    with django_assert_num_queries(15):
        response = client.get(reverse("review_detail", args=[busy_review.pk]))
    assert response.status_code == 200


def test_review_lists_come_a_page_at_a_time(client, cast, reviewing, monkeypatch):
    """Ten years of reviews must not load at once: the queue and a reviewer's list page."""
    from appraisal.selectors import reviews as review_selectors

    monkeypatch.setattr(review_selectors, "PAGE_SIZE", 2)
    client.force_login(cast["finance_reviewer"])
    first = client.get(reverse("review_list"), {"show": "all"})
    assert len(first.context["reviews"]) == 2
    pages = first.context["reviews"].paginator.num_pages
    assert pages == -(-reviewing.submissions.count() // 2) and pages > 1
    last = client.get(reverse("review_list"), {"show": "all", "page": pages})
    seen = {r.pk for r in first.context["reviews"]} | {r.pk for r in last.context["reviews"]}
    assert len(seen) == len(first.context["reviews"]) + len(last.context["reviews"])
    assert "page=2" in first.content.decode()
    client.force_login(cast["finance_coordinator"])
    queue = client.get(reverse("review_queue", args=[reviewing.pk]), {"state": "all"})
    assert len(queue.context["reviews"]) == 2
    assert "state=all&amp;page=2" in queue.content.decode()
