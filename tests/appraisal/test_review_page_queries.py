"""The review pages cost the same number of queries with 3 units and with 60."""

import csv
import io

import pytest
from django.urls import reverse

from appraisal.models import DomainReview
from appraisal.selectors.inbox import EACH_SHOWN, QUERIES_SHOWN
from appraisal.selectors.review_matrix import PAGE_SIZE
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
    # session, user, campaign, role grants, the review stage's deadline, the counts by state
    # with the late ones, the paused reviews that may be late, the domain columns, the count
    # of reports, a page of reports, their reviews with counts, reviewers with their grants,
    # reviewer loads, the ministries of the filter
    with django_assert_num_queries(14):
        response = client.get(reverse("review_matrix", args=[reviewing.pk]))
    units = reviewing.submissions.count()
    matrix = response.context["matrix"]
    assert len(matrix.rows) == min(units, PAGE_SIZE)
    assert matrix.page.paginator.count == units
    # every review of the campaign is counted, not only the page's
    assert sum(n for state, n in matrix.counts.items() if state != "late") == (
        DomainReview.objects.filter(submission__campaign=reviewing).count()
    )


def test_the_matrix_pages_and_exports_every_row(client, cast, reviewing):
    client.force_login(cast["secretariat"])
    url = reverse("review_matrix", args=[reviewing.pk])
    units = list(
        reviewing.submissions.order_by("level", "unit__code").values_list("unit__code", flat=True)
    )
    seen = []
    for number in range(1, -(-len(units) // PAGE_SIZE) + 1):
        rows = client.get(url, {"page": number}).context["matrix"].rows
        seen += [row.submission.unit.code for row in rows]
    assert seen == units
    response = client.get(reverse("review_matrix_csv", args=[reviewing.pk]))
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [line[0] for line in lines[1:]] == units
    # the Finance cells are in progress with an open query, as on the page
    assert any("1 yêu cầu mở" in cell for cell in lines[1])
    filtered = client.get(reverse("review_matrix_csv", args=[reviewing.pk]), {"unit": units[-1]})
    assert len(list(csv.reader(io.StringIO(b"".join(filtered.streaming_content).decode())))) == 2


def test_the_reviewers_list(client, cast, reviewing, django_assert_num_queries):
    client.force_login(cast["finance_reviewer"])
    # session, user, role grants (menu), the count of reviews, a page of reviews with counts,
    # deadlines
    with django_assert_num_queries(6):
        response = client.get(reverse("review_list"))
    assert len(response.context["reviews"]) == reviewing.submissions.count()


def test_the_inbox_of_a_reviewer(client, cast, reviewing, django_assert_num_queries):
    client.force_login(cast["finance_reviewer"])
    # session, user, role grants, submissions waiting (grouped, then listed), domain reviews
    # (grouped, then listed), the campaign of a long group, deadlines, queries (a page and
    # their count)
    units = reviewing.submissions.count()
    with django_assert_num_queries(8):
        response = client.get(reverse("inbox"))
    waiting = response.context["waiting"]
    if units <= EACH_SHOWN:
        # every review waits on its unit (a query is open): nothing is the reviewer's to do,
        # the reviews and their queries are shown apart, as waiting on others
        assert response.context["entries"] == []
        assert len(waiting) == 2 * units
    else:
        # many: one line for the reviews, the soonest queries, and how many more there are
        [reviews] = [entry for entry in waiting if "lĩnh vực" in entry.title]
        assert f": {units} lĩnh vực" in reviews.title
        assert len(waiting) == 1 + QUERIES_SHOWN
        [more] = response.context["entries"]
        assert f"Còn {units - QUERIES_SHOWN} yêu cầu" in more.title
    body = response.content.decode()
    assert len(body) < 60_000


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
    # session, user, review with its submission, unit, domain..., role grants, the
    # reviewer's guardian grant (people only: no group query), "has a review of theirs"
    # (may see notes), items with nodes, their evidence, queries, their items, messages,
    # answer files, internal notes, stage deadline
    with django_assert_num_queries(14):
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
