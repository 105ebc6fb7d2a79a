"""Issue 14, 2: a unit submits until its own deadline whatever stage the campaign is in;
moving a campaign shows its consequences and wants the year typed when it shuts anyone out;
the secretariat moves a campaign back one stage with a reason, and reopens one unit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from appraisal.models import SubmissionDeadline
from notifications.models import Notification
from tests.conftest import fill_self_scores
from workflow.models import AuditEvent
from workflow.services.campaign_stages import (
    campaign_reopen_review,
    campaign_reopen_self_assessment,
    campaign_start_council,
    campaign_start_review,
)
from workflow.services.submissions import (
    submission_approve,
    submission_reopen_self_assessment,
    submission_send_for_approval,
)

pytestmark = pytest.mark.django_db


def past_stage_deadline(campaign) -> None:
    deadline = campaign.deadlines.get(stage="self_assessment")
    deadline.starts_on, deadline.due_on = datetime.date(2026, 9, 1), datetime.date(2026, 11, 30)
    deadline.save()


def test_a_unit_with_an_extension_still_submits_after_the_campaign_moved_on(
    cast, campaign, bac_ninh
):
    past_stage_deadline(campaign)
    SubmissionDeadline.objects.create(
        submission=bac_ninh, stage="self_assessment", due_on=datetime.date(2026, 12, 18)
    )
    hanoi = campaign.submissions.get(unit__code="01")
    fill_self_scores(hanoi)
    campaign_start_review(campaign=campaign, actor=cast["secretariat"])

    submission_send_for_approval(submission=bac_ninh, actor=cast["bacninh_focal"])
    submission_approve(submission=bac_ninh, actor=cast["bacninh_leader"])
    bac_ninh.refresh_from_db()
    assert bac_ninh.state == "submitted"
    # Hà Nội's deadline passed and the stage moved on: refused, saying what to do
    with pytest.raises(ValidationError, match="mở lại tự đánh giá"):
        submission_send_for_approval(submission=hanoi, actor=cast["hanoi_focal"])


def test_the_unit_is_not_offered_a_button_the_service_refuses(client, cast, campaign, bac_ninh):
    past_stage_deadline(campaign)
    campaign_start_review(campaign=campaign, actor=cast["secretariat"])
    client.force_login(cast["bacninh_focal"])
    page = client.get(reverse("submission_detail", args=[bac_ninh.pk]))
    actions = {a["name"]: a for a in page.context["actions"]}
    assert "mở lại tự đánh giá" in actions["send_for_approval"]["refused"]
    assert 'data-action="send_for_approval"' not in page.content.decode()
    # the secretariat reopens the unit with a new deadline: the button comes back
    submission_reopen_self_assessment(
        submission=bac_ninh,
        due_on=datetime.date(2026, 12, 11),
        actor=cast["secretariat"],
        comment="Đơn vị bị ảnh hưởng bởi bão",
    )
    page = client.get(reverse("submission_detail", args=[bac_ninh.pk]))
    assert 'data-action="send_for_approval"' in page.content.decode()
    row = AuditEvent.objects.get(action="reopen_self_assessment", object_type="submission")
    assert row.new_value == "2026-12-11" and row.comment == "Đơn vị bị ảnh hưởng bởi bão"
    assert Notification.objects.filter(
        recipient=cast["bacninh_leader"], kind="unit_reopened"
    ).exists()


def test_reopening_a_unit_is_the_secretariats_with_a_reason_and_a_date(cast, bac_ninh):
    with pytest.raises(PermissionDenied):
        submission_reopen_self_assessment(
            submission=bac_ninh,
            due_on=datetime.date(2026, 12, 11),
            actor=cast["bacninh_leader"],
            comment="Tự mở",
        )
    with pytest.raises(ValidationError, match="lý do"):
        submission_reopen_self_assessment(
            submission=bac_ninh, due_on=datetime.date(2026, 12, 11), actor=cast["secretariat"]
        )
    with pytest.raises(ValidationError, match="từ hôm nay"):
        submission_reopen_self_assessment(
            submission=bac_ninh,
            due_on=datetime.date(2020, 1, 1),
            actor=cast["secretariat"],
            comment="Muộn",
        )
    assert not SubmissionDeadline.objects.filter(submission=bac_ninh).exists()


def test_moving_to_review_shows_its_numbers_and_wants_the_year_when_it_shuts_units_out(
    client, cast, campaign, bac_ninh
):
    past_stage_deadline(campaign)
    SubmissionDeadline.objects.create(
        submission=bac_ninh, stage="self_assessment", due_on=datetime.date(2026, 12, 18)
    )
    client.force_login(cast["secretariat"])
    detail = client.get(reverse("campaign_detail", args=[campaign.pk])).content.decode()
    url = reverse("campaign_transition", args=[campaign.pk, "start_review"])
    assert url in detail  # a link to the confirmation page, not a one-click form
    page = client.get(url)
    consequences = page.context["consequences"]
    total = campaign.submissions.count()
    assert consequences.shuts_out == total - 1  # everyone but Bắc Ninh, whose extension runs
    assert consequences.needs_typing
    assert "2026" in page.content.decode()
    assert client.post(url).status_code == 400  # no year typed
    assert client.post(url, {"typed": "2025"}).status_code == 400
    campaign.refresh_from_db()
    assert campaign.state == "self_assessment"
    client.post(url, {"typed": "2026"})
    campaign.refresh_from_db()
    assert campaign.state == "review"


def test_a_move_that_shuts_nobody_out_needs_no_typing(client, cast, campaign):
    client.force_login(cast["secretariat"])
    url = reverse("campaign_transition", args=[campaign.pk, "start_review"])
    assert not client.get(url).context["consequences"].needs_typing  # deadline 15/01/2027
    client.post(url, {"confirmed": "1"})
    campaign.refresh_from_db()
    assert campaign.state == "review"


def test_the_secretariat_moves_a_campaign_back_one_stage_with_a_reason(cast, campaign):
    campaign_start_review(campaign=campaign, actor=cast["secretariat"])
    with pytest.raises(ValidationError, match="lý do"):
        campaign_reopen_self_assessment(campaign=campaign, actor=cast["secretariat"])
    with pytest.raises(PermissionDenied):
        campaign_reopen_self_assessment(
            campaign=campaign, actor=cast["manager"], comment="Chuyển nhầm"
        )
    back = campaign_reopen_self_assessment(
        campaign=campaign, actor=cast["secretariat"], comment="Chuyển nhầm trước hạn"
    )
    assert back.state == "self_assessment"
    row = AuditEvent.objects.filter(object_type="campaign", action="reopen_self_assessment").get()
    assert row.comment == "Chuyển nhầm trước hạn" and row.to_state == "self_assessment"
    assert Notification.objects.filter(
        recipient=cast["bacninh_focal"], kind="campaign_moved_back"
    ).exists()


def test_the_council_stage_goes_back_only_while_nothing_went_before_the_council(
    cast, campaign, bac_ninh
):
    campaign_start_review(campaign=campaign, actor=cast["secretariat"])
    campaign_start_council(campaign=campaign, actor=cast["secretariat"])
    type(bac_ninh).objects.filter(pk=bac_ninh.pk).update(state="in_council")
    with pytest.raises(ValidationError, match="trình Hội đồng"):
        campaign_reopen_review(campaign=campaign, actor=cast["secretariat"], comment="Nhầm")
    type(bac_ninh).objects.filter(pk=bac_ninh.pk).update(state="reviewed")
    back = campaign_reopen_review(campaign=campaign, actor=cast["secretariat"], comment="Nhầm")
    assert back.state == "review"


def test_stage_deadlines_follow_the_lifecycle(cast, campaign):
    from workflow.services.campaigns import campaign_set_deadline

    with pytest.raises(ValidationError, match="giai đoạn trước"):
        campaign_set_deadline(
            campaign=campaign,
            stage="review",
            starts_on=datetime.date(2026, 11, 20),
            due_on=datetime.date(2026, 12, 1),  # before self-assessment ends (15/01/2027)
            actor=cast["secretariat"],
        )
    campaign_set_deadline(
        campaign=campaign,
        stage="review",
        starts_on=datetime.date(2026, 11, 20),
        due_on=datetime.date(2027, 2, 26),
        actor=cast["secretariat"],
    )
