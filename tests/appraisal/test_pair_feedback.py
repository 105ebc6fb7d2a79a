"""Issue 14, 4 and 12: a reason is asked only for a real difference; a score waiting for its
reason is kept and said calmly, not refused in red; the review page's counts stay live."""

from decimal import Decimal

import pytest
from django.urls import reverse

from appraisal.models import DomainReview
from tests.conftest import reviews_started
from workflow.services.assignments import review_assign
from workflow.services.reviews import review_start
from workflow.services.scores import score_propose

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def impact_review(cast, bac_ninh):
    """Bắc Ninh's domain 8 (Home Affairs): 8.2.3 and 8.3.x are scored centrally."""
    reviews_started([bac_ninh], cast["secretariat"])
    review = DomainReview.objects.get(submission=bac_ninh, domain__code="8")
    review_assign(review=review, reviewer=cast["home_reviewer"], actor=cast["secretariat"])
    return review_start(review=review, actor=cast["home_reviewer"])


def test_a_centrally_scored_item_needs_no_reason(cast, impact_review):
    central = impact_review.submission.items.get(node__code="8.2.3")
    assert central.scoring_mode == "central" and central.self_score is None
    saved = score_propose(item=central, actor=cast["home_reviewer"], value=Decimal("0.5"))
    assert saved.review_score == Decimal("0.5") and saved.review_reason == ""


def test_the_review_page_does_not_count_a_central_item_as_adjusted(client, cast, impact_review):
    central = impact_review.submission.items.get(node__code="8.2.3")
    score_propose(item=central, actor=cast["home_reviewer"], value=Decimal("0.5"))
    client.force_login(cast["home_reviewer"])
    page = client.get(reverse("review_detail", args=[impact_review.pk]))
    assert page.context["page"].differs == 0
    assert "Khác điểm tự chấm (—)" not in page.content.decode()


def test_a_differing_proposal_waits_for_its_reason_calmly_and_counts_stay_live(
    client, cast, impact_review
):
    item = (
        impact_review.submission.items.filter(
            domain_id=impact_review.domain_id, scoring_mode="self"
        )
        .order_by("position")
        .first()
    )
    client.force_login(cast["home_reviewer"])
    url = reverse("item_propose", args=[item.pk])
    waiting = client.post(url, {"score": "0", "reason": ""}, **HX)
    body = waiting.content.decode()
    assert waiting.status_code == 200  # not a refusal
    assert "Chưa lưu" in body and "alert-danger" not in body and "border-danger" not in body
    assert 'value="0"' in body  # the typed score is kept
    item.refresh_from_db()
    assert item.review_score is None
    saved = client.post(url, {"score": "0", "reason": "Chưa có văn bản"}, **HX)
    body = saved.content.decode()
    assert saved.status_code == 200 and "Đã lưu" in body
    # the page's counts come with the item, swapped out of band
    assert 'id="review-summary"' in body and 'hx-swap-oob="true"' in body
    assert "Đã đề xuất 1/" in body and "1 tiêu chí điều chỉnh" in body


def test_completion_confirms_with_numbers_and_offers_no_button_it_would_refuse(
    client, cast, impact_review
):
    client.force_login(cast["home_reviewer"])
    url = reverse("review_action", args=[impact_review.pk, "complete"])
    page = client.post(url)
    body = page.content.decode()
    assert page.status_code == 200 and "Chưa thể thực hiện" in body
    assert 'name="confirmed"' not in body  # no button to press
    impact_review.refresh_from_db()
    assert impact_review.state == "in_progress"
    items = impact_review.submission.items.filter(
        domain_id=impact_review.domain_id, applicable=True
    ).exclude(scoring_mode="survey")
    for item in items:
        score_propose(
            item=item,
            actor=cast["home_reviewer"],
            value=item.self_score if item.self_score is not None else Decimal(0),
        )
    page = client.post(url)
    lines = dict(page.context["consequences"].lines)
    assert lines["Tiêu chí đã có điểm đề xuất"] == items.count()
    assert 'name="confirmed"' in page.content.decode()
    client.post(url, {"confirmed": "1"})
    impact_review.refresh_from_db()
    assert impact_review.state == "completed"
