"""A query as the reviewing body's official letter: the sender's issuing data, the unit
addressed by its formal name, the criteria, the question and the deadline; for those who
see the query only."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from appraisal.models import DomainReview
from tests.conftest import reviews_started
from workflow.services.assignments import reviews_distribute
from workflow.services.queries import query_raise
from workflow.services.reviews import review_start

pytestmark = pytest.mark.django_db


def test_a_query_prints_as_the_reviewing_ministrys_letter(client, cast, bac_ninh):
    reviews_started([bac_ninh], cast["secretariat"])
    review = DomainReview.objects.get(submission=bac_ninh, organisation__code="BTC")
    reviews_distribute(
        reviews=[review], reviewers=[cast["finance_reviewer"]], actor=cast["secretariat"]
    )
    review = review_start(review=review, actor=cast["finance_reviewer"])
    item = review.submission.items.filter(domain_id=review.domain_id).order_by("position").first()
    query = query_raise(
        review=review,
        items=[item],
        question="Đề nghị bổ sung quyết định giao dự toán năm 2026.",
        actor=cast["finance_reviewer"],
    )
    client.force_login(cast["bacninh_focal"])
    response = client.get(reverse("query_letter", args=[query.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "BỘ TÀI CHÍNH" in text and "Số: /BTC" in text
    assert "V/v giải trình, bổ sung hồ sơ tự" in text
    assert "Kính gửi: Ủy ban nhân dân tỉnh Bắc Ninh." in text
    assert item.node.code in text and "quyết định giao dự toán năm 2026" in text
    assert query.due_on.strftime("%d/%m/%Y") in text
    assert "Nơi nhận:" in text and "BỘ TRƯỞNG" in text
    # someone who does not see the query does not get its letter
    client.force_login(cast["justice_reviewer"])
    assert client.get(reverse("query_letter", args=[query.pk])).status_code == 404
