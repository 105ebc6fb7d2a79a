"""The appraisal council: members, sessions, the appraisal page, recusal, the chair."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from appraisal.models import CouncilSession, RoleAssignment, ScoreItem, Submission
from tests.conftest import fill_self_scores, make_user
from workflow.services.campaign_stages import campaign_start_council, campaign_start_review
from workflow.services.council import council_member_add, council_session_create
from workflow.services.scores_bulk import scores_finalise_from_proposals

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def council(cast, campaign_factory, orgs, program):
    campaign = campaign_factory(units=[orgs["T34-bac-ninh"], orgs["BTC"]])
    for submission in campaign.submissions.all():
        fill_self_scores(submission)
        items = ScoreItem.objects.filter(submission=submission, applicable=True).exclude(
            scoring_mode="survey"
        )
        items.filter(self_score__isnull=False).update(
            review_score=D(0), review_reason="Thiếu văn bản"
        )
        items.filter(self_score__isnull=True).update(
            review_score=D(0), review_reason="Số liệu theo dõi"
        )
    campaign_start_review(campaign=campaign, actor=None)
    campaign_start_council(campaign=campaign, actor=None)
    Submission.objects.filter(campaign=campaign).update(state="in_council")
    chair = make_user("chutich2", program=program)
    member = make_user("uyvien.btc", program=program)
    council_member_add(
        campaign=campaign,
        user=chair,
        position="chair",
        organisation=orgs["BNV"],
        actor=cast["secretariat"],
    )
    council_member_add(
        campaign=campaign,
        user=member,
        position="member",
        organisation=orgs["BTC"],
        actor=cast["secretariat"],
    )
    return campaign, chair, member


def test_members_get_the_council_role_and_only_one_chair(cast, council, orgs, program):
    campaign, chair, member = council
    assert RoleAssignment.objects.filter(user=chair, role="council_chair").exists()
    assert RoleAssignment.objects.filter(
        user=member, role="council_member", organisation=orgs["BTC"]
    ).exists()
    other = make_user("chutich3", program=program)
    with pytest.raises(ValidationError, match="đã có Chủ tịch"):
        council_member_add(
            campaign=campaign,
            user=other,
            position="chair",
            organisation=orgs["BNV"],
            actor=cast["secretariat"],
        )
    with pytest.raises(PermissionDenied):
        council_member_add(
            campaign=campaign,
            user=other,
            position="member",
            organisation=orgs["BNV"],
            actor=cast["bacninh_focal"],
        )


def test_a_member_recuses_from_their_own_organisations_report(council):
    campaign, chair, member = council
    finance = campaign.submissions.get(unit__code="BTC")
    with pytest.raises(PermissionDenied):
        scores_finalise_from_proposals(submission=finance, actor=member)
    assert scores_finalise_from_proposals(submission=finance, actor=chair) > 0


def test_the_appraisal_page_takes_proposals_changes_with_reasons_and_the_chair_confirms(
    client, council
):
    campaign, chair, member = council
    bac_ninh = campaign.submissions.get(unit__code="T34-bac-ninh")
    url = reverse("submission_appraisal", args=[bac_ninh.pk])
    client.force_login(member)
    page = client.get(url)
    assert (
        page.status_code == 200 and "Thiếu văn bản" in page.content.decode()
    )  # the reviewer's reason
    item = (
        ScoreItem.objects.filter(submission=bac_ninh, scoring_mode="self", is_deduction=False)
        .order_by("position")
        .first()
    )
    final = reverse("item_finalise", args=[item.pk])
    response = client.post(final, {"score": str(item.max_points), "reason": ""}, **HX)
    assert response.status_code == 200 and "Cần nêu lý do" in response.content.decode()
    response = client.post(
        final,
        {"score": str(item.max_points), "reason": "Đơn vị đã bổ sung văn bản tại phiên họp"},
        **HX,
    )
    assert response.status_code == 200
    # the first click only asks, with what it will do in numbers; nothing changes
    asked = client.post(reverse("appraisal_action", args=[bac_ninh.pk, "accept_proposals"]))
    waiting = ScoreItem.objects.filter(
        submission=bac_ninh, applicable=True, final_score__isnull=True, review_score__isnull=False
    ).exclude(scoring_mode="survey")
    assert (
        dict(asked.context["consequences"].lines)["Tiêu chí được chốt bằng điểm đề xuất"]
        == waiting.count()
        > 0
    )
    client.post(
        reverse("appraisal_action", args=[bac_ninh.pk, "accept_proposals"]), {"confirmed": "1"}
    )
    item.refresh_from_db()
    assert item.final_score == item.max_points  # the change made first stays
    assert (
        not ScoreItem.objects.filter(submission=bac_ninh, applicable=True, final_score__isnull=True)
        .exclude(scoring_mode="survey")
        .exists()
    )
    # only the chair confirms
    client.post(reverse("appraisal_action", args=[bac_ninh.pk, "appraise"]), {"confirmed": "1"})
    bac_ninh.refresh_from_db()
    assert bac_ninh.state == "in_council"
    client.force_login(chair)
    client.post(reverse("appraisal_action", args=[bac_ninh.pk, "appraise"]), {"confirmed": "1"})
    bac_ninh.refresh_from_db()
    assert bac_ninh.state == "appraised"
    # a unit's people never reach the council's page
    client.force_login(make_user("bn.x", ("focal_point", bac_ninh.unit), program=campaign.program))
    assert client.get(url).status_code == 403


def test_sessions_number_themselves_and_keep_their_agenda(cast, council):
    campaign, chair, member = council
    first = council_session_create(
        campaign=campaign,
        held_on=datetime.date(2027, 3, 10),
        place="Hà Nội",
        agenda=campaign.submissions.all(),
        actor=cast["secretariat"],
    )
    second = council_session_create(
        campaign=campaign,
        held_on=datetime.date(2027, 3, 17),
        place="",
        agenda=[],
        actor=cast["secretariat"],
    )
    assert (first.number, second.number) == (1, 2)
    assert first.agenda.count() == 2
    assert CouncilSession.objects.filter(campaign=campaign).count() == 2
