"""Publishing a year: refused until every report in scope is appraised and surveyed (or
excluded with a reason); then the results are stored once and the public sees them."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from appraisal.models import ScoreItem, Submission, SurveyResult, UnitResult
from documents.publication import ensure_document
from tests.conftest import fill_self_scores
from workflow.services.campaign_stages import (
    campaign_publish,
    campaign_start_council,
    campaign_start_review,
)
from workflow.services.results import submission_exclude

pytestmark = pytest.mark.django_db


def text_of(document) -> str:
    with document.file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(handle).pages)


@pytest.fixture
def in_council(campaign_factory, orgs):
    campaign = campaign_factory(units=[orgs["T34-bac-ninh"], orgs["01"], orgs["BTP"]])
    for submission in campaign.submissions.all():
        fill_self_scores(submission)
        items = ScoreItem.objects.filter(submission=submission).exclude(scoring_mode="survey")
        items.update(final_score=0)
        items.filter(scoring_mode="self", is_deduction=False).update(
            final_score=D("0.5"), review_score=D("0.5")
        )
    campaign_start_review(campaign=campaign, actor=None)
    campaign_start_council(campaign=campaign, actor=None)
    Submission.objects.filter(campaign=campaign).update(state="appraised")
    return campaign


def test_publication_waits_for_survey_points_or_an_exclusion(personas, in_council):
    SurveyResult.objects.create(
        campaign=in_council, unit=in_council.submissions.get(unit__code="01").unit, points=D(25)
    )
    SurveyResult.objects.create(
        campaign=in_council,
        unit=in_council.submissions.get(unit__code="T34-bac-ninh").unit,
        points=D(28),
    )
    with pytest.raises(ValidationError, match="1 đơn vị chưa có điểm điều tra"):
        campaign_publish(campaign=in_council, actor=personas["secretariat"])
    assert not UnitResult.objects.exists()
    justice = in_council.submissions.get(unit__code="BTP")
    submission_exclude(
        submission=justice, reason="Không đủ hồ sơ theo quy định", actor=personas["secretariat"]
    )
    campaign = campaign_publish(campaign=in_council, actor=personas["secretariat"])
    assert campaign.state == "published" and campaign.published_at
    assert set(UnitResult.objects.values_list("unit__code", flat=True)) == {"01", "T34-bac-ninh"}
    assert set(Submission.objects.filter(campaign=campaign).values_list("unit__code", "state")) == {
        ("01", "published"),
        ("T34-bac-ninh", "published"),
        ("BTP", "appraised"),
    }
    # stored once: later changes to scores do not move the published results
    stored = UnitResult.objects.get(unit__code="01").index
    ScoreItem.objects.filter(submission__unit__code="01").update(final_score=0)
    assert UnitResult.objects.get(unit__code="01").index == stored
    with pytest.raises(ValidationError):
        campaign_publish(campaign=campaign, actor=personas["secretariat"])  # twice: refused
    with pytest.raises(ValidationError, match="đã công bố"):
        submission_exclude(submission=justice, reason="", actor=personas["secretariat"])


def test_the_published_year_is_public(client, personas, in_council):
    for submission in in_council.submissions.select_related("unit"):
        SurveyResult.objects.create(campaign=in_council, unit=submission.unit, points=D(20))
    assert (
        client.get(reverse("results_year", args=["national", in_council.year])).status_code == 404
    )
    campaign_publish(campaign=in_council, actor=personas["secretariat"])
    response = client.get(reverse("results_year", args=["national", in_council.year]))
    assert response.status_code == 200
    codes = {row.result.unit.code for level in response.context["levels"] for row in level.page}
    assert codes == {"01", "T34-bac-ninh", "BTP"}


def test_the_secretariat_publishes_from_the_campaign_page(client, personas, in_council):
    url = reverse("campaign_detail", args=[in_council.pk])
    client.force_login(personas["bacninh_focal"])
    assert b"campaign_transition" not in client.get(url).content
    assert (
        client.post(reverse("campaign_transition", args=[in_council.pk, "publish"])).status_code
        == 403
    )
    client.force_login(personas["secretariat"])
    publish = reverse("campaign_transition", args=[in_council.pk, "publish"])
    # refused now: no button to click, the service's reason instead
    page = client.get(url).content.decode()
    assert publish not in page and "chưa có điểm điều tra" in page
    response = client.post(publish, {"typed": str(in_council.year)})
    assert "chưa có điểm điều tra" in response.content.decode()  # refused with its reason
    justice = in_council.submissions.get(unit__code="BTP")
    client.post(reverse("submission_scope", args=[justice.pk]), {"reason": "Nộp muộn"})
    justice.refresh_from_db()
    assert justice.exclusion_reason == "Nộp muộn"
    for code in ("01", "T34-bac-ninh"):
        SurveyResult.objects.create(
            campaign=in_council, unit=in_council.submissions.get(unit__code=code).unit, points=D(20)
        )
    assert publish in client.get(url).content.decode()
    # the confirmation page says what publication does, in numbers, and wants the year typed
    confirm = client.get(publish)
    lines = dict(confirm.context["consequences"].lines)
    assert lines["Hồ sơ được công bố kết quả"] == 2
    assert lines["Hồ sơ không tính vào kết quả (có lý do)"] == 1
    assert client.post(publish, {"typed": "2020"}).status_code == 400
    in_council.refresh_from_db()
    assert in_council.state == "council"
    client.post(publish, {"typed": str(in_council.year)})
    in_council.refresh_from_db()
    assert in_council.state == "published"


def test_the_draft_decision_shows_the_ranking_as_it_stands_then_publication_issues_it(
    personas, in_council
):
    """While the council sits the secretariat reads the draft (DỰ THẢO, no number) with the
    ranking as publication would store it now; a change of a final score remakes the draft;
    publication then issues it with the owner's first number of the year."""
    for submission in in_council.submissions.select_related("unit"):
        SurveyResult.objects.create(campaign=in_council, unit=submission.unit, points=D(20))
    draft = ensure_document(in_council.pk, "decision")
    content = text_of(draft)
    assert "DỰ THẢO" in content and "Số: /QĐ-BNV" in content
    assert "Tỉnh Bắc Ninh" in content and "Bộ Tư pháp" in content  # both levels' annexes
    assert draft.issued_on is None and not UnitResult.objects.exists()
    ScoreItem.objects.filter(submission__unit__code="01").update(final_score=0)
    remade = ensure_document(in_council.pk, "decision")
    assert remade.fingerprint != draft.fingerprint
    campaign_publish(campaign=in_council, actor=personas["secretariat"])
    issued = ensure_document(in_council.pk, "decision")  # what the worker does after commit
    assert issued.issued_on is not None and issued.reference == "1/QĐ-BNV"
    assert "DỰ THẢO" not in text_of(issued) and "Số: 1/QĐ-BNV" in text_of(issued)
