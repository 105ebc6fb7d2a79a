"""A submission's life through the services: each step audited, each refusal changes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from appraisal.models import DomainReview, ScoreItem, Submission
from tests.conftest import fill_self_scores
from workflow.models import AuditEvent
from workflow.services.assignments import review_assign
from workflow.services.campaign_stages import campaign_start_council, campaign_start_review
from workflow.services.reviews import review_complete, review_start
from workflow.services.scores import score_finalise, score_propose
from workflow.services.submissions import (
    submission_appraise,
    submission_approve,
    submission_return_incomplete,
    submission_return_to_draft,
    submission_send_back_to_review,
    submission_send_for_approval,
    submission_send_to_council,
    submission_start_review,
    submission_withdraw,
)

pytestmark = pytest.mark.django_db


def transitions_of(submission: Submission) -> list[tuple[str, str, str]]:
    rows = AuditEvent.objects.filter(
        submission_id=submission.pk, object_type="submission"
    ).order_by("seq")
    return list(rows.values_list("action", "from_state", "to_state"))


def test_focal_point_leader_and_secretariat_take_it_to_review(cast, bac_ninh):
    submission_send_for_approval(submission=bac_ninh, actor=cast["bacninh_focal"], ip="203.0.113.7")
    submission_approve(submission=bac_ninh, actor=cast["bacninh_leader"])
    submission_start_review(submission=bac_ninh, actor=cast["secretariat"])
    bac_ninh.refresh_from_db()
    assert bac_ninh.state == "under_review" and bac_ninh.submitted_at is not None
    assert transitions_of(bac_ninh) == [
        ("send_for_approval", "draft", "pending_approval"),
        ("approve", "pending_approval", "submitted"),
        ("start_review", "submitted", "under_review"),
    ]
    first = AuditEvent.objects.filter(submission_id=bac_ninh.pk).order_by("seq").first()
    assert (first.actor_name, first.ip, first.stage) == (
        "bacninh.daumoi",
        "203.0.113.7",
        "self_assessment",
    )
    reviews = DomainReview.objects.filter(submission=bac_ninh).select_related(
        "domain", "organisation"
    )
    assert [(r.domain.code, r.organisation.code) for r in reviews] == [
        ("1", "BNV"),
        ("2", "BTP"),
        ("3", "VPCP"),
        ("4", "BNV"),
        ("5", "BNV"),
        ("6", "BTC"),
        ("7", "BKHCN"),
        ("8", "BNV"),
    ]


def test_an_incomplete_draft_cannot_be_sent(cast, campaign):
    submission = campaign.submissions.get(unit__code="T34-bac-ninh")
    with pytest.raises(ValidationError, match="chưa chấm điểm"):
        submission_send_for_approval(submission=submission, actor=cast["bacninh_focal"])
    fill_self_scores(submission)
    ScoreItem.objects.filter(submission=submission, node__code="1.1.1").update(explanation="")
    with pytest.raises(ValidationError, match="1.1.1"):
        submission_send_for_approval(submission=submission, actor=cast["bacninh_focal"])
    submission.refresh_from_db()
    assert submission.state == "draft" and transitions_of(submission) == []


def test_refusals_change_nothing_and_say_why(cast, bac_ninh):
    audit_rows = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied, match="không có quyền"):
        submission_send_for_approval(submission=bac_ninh, actor=cast["hanoi_focal"])
    with pytest.raises(ValidationError, match="trạng thái"):
        submission_approve(submission=bac_ninh, actor=cast["bacninh_leader"])
    submission_send_for_approval(submission=bac_ninh, actor=cast["bacninh_focal"])
    with pytest.raises(PermissionDenied):
        submission_approve(submission=bac_ninh, actor=cast["bacninh_focal"])  # the leader approves
    with pytest.raises(ValidationError, match="lý do"):
        submission_return_to_draft(submission=bac_ninh, actor=cast["bacninh_leader"], comment="  ")
    bac_ninh.refresh_from_db()
    assert bac_ninh.state == "pending_approval"
    assert AuditEvent.objects.count() == audit_rows + 1


def test_ways_back_leader_return_withdraw_and_secretariat_return(cast, bac_ninh):
    submission_send_for_approval(submission=bac_ninh, actor=cast["bacninh_focal"])
    submission_return_to_draft(
        submission=bac_ninh, actor=cast["bacninh_leader"], comment="Bổ sung tài liệu"
    )
    submission_send_for_approval(submission=bac_ninh, actor=cast["bacninh_focal"])
    submission_approve(submission=bac_ninh, actor=cast["bacninh_leader"])
    submission_withdraw(submission=bac_ninh, actor=cast["bacninh_leader"])
    submission_send_for_approval(submission=bac_ninh, actor=cast["bacninh_focal"])
    submission_approve(submission=bac_ninh, actor=cast["bacninh_leader"])
    submission_return_incomplete(
        submission=bac_ninh, actor=cast["secretariat"], comment="Thiếu báo cáo"
    )
    bac_ninh.refresh_from_db()
    assert bac_ninh.state == "draft" and bac_ninh.submitted_at is None
    assert [t[0] for t in transitions_of(bac_ninh)][-2:] == ["approve", "return_incomplete"]


def test_no_withdrawal_after_the_deadline_or_once_review_started(cast, bac_ninh):
    submission_send_for_approval(submission=bac_ninh, actor=cast["bacninh_focal"])
    submission_approve(submission=bac_ninh, actor=cast["bacninh_leader"])
    deadline = bac_ninh.campaign.deadlines.get(stage="self_assessment")
    deadline.starts_on, deadline.due_on = datetime.date(2019, 11, 1), datetime.date(2020, 1, 1)
    deadline.save()
    with pytest.raises(ValidationError, match="quá hạn"):
        submission_withdraw(submission=bac_ninh, actor=cast["bacninh_leader"])
    submission_start_review(submission=bac_ninh, actor=cast["secretariat"])
    with pytest.raises(ValidationError, match="trạng thái"):
        submission_withdraw(submission=bac_ninh, actor=cast["bacninh_leader"])


def _review_everything(submission, cast):
    """Each domain reviewed by a reviewer of another organisation than the unit."""
    for review in DomainReview.objects.filter(submission=submission):
        reviewer = cast["home_reviewer"]
        review = review_assign(
            review=review,
            reviewer=reviewer,
            actor=cast["secretariat"],
            reason="Một chuyên viên thẩm định cả hồ sơ (thử nghiệm)",
        )
        review_start(review=review, actor=reviewer)
        for item in submission.items.filter(domain_id=review.domain_id).exclude(
            scoring_mode="survey"
        ):
            score_propose(
                item=item,
                actor=reviewer,
                value=item.self_score if item.self_score is not None else 0,
                reason="Điểm chấm của Sở",
            )
        review_complete(review=review, actor=reviewer)


def test_the_whole_way_to_appraised_and_back_to_review(cast, bac_ninh):
    submission_send_for_approval(submission=bac_ninh, actor=cast["bacninh_focal"])
    submission_approve(submission=bac_ninh, actor=cast["bacninh_leader"])
    submission_start_review(submission=bac_ninh, actor=cast["secretariat"])
    _review_everything(bac_ninh, cast)
    bac_ninh.refresh_from_db()
    assert bac_ninh.state == "reviewed"  # by itself, after the last domain review
    with pytest.raises(ValidationError, match="Hội đồng"):
        submission_send_to_council(submission=bac_ninh, actor=cast["secretariat"])
    campaign_start_review(campaign=bac_ninh.campaign, actor=cast["secretariat"])
    campaign_start_council(campaign=bac_ninh.campaign, actor=cast["secretariat"])
    submission_send_to_council(submission=bac_ninh, actor=cast["secretariat"])
    with pytest.raises(ValidationError, match="chưa có điểm Hội đồng"):
        submission_appraise(submission=bac_ninh, actor=cast["chair"])
    domain_two = DomainReview.objects.get(submission=bac_ninh, domain__code="2").domain
    submission_send_back_to_review(
        submission=bac_ninh, domains=[domain_two], actor=cast["chair"], comment="Xem lại 2.1"
    )
    assert DomainReview.objects.get(submission=bac_ninh, domain=domain_two).state == "in_progress"
    bac_ninh.refresh_from_db()
    assert bac_ninh.state == "under_review"
    review = DomainReview.objects.get(submission=bac_ninh, domain=domain_two)
    review_complete(review=review, actor=cast["home_reviewer"])
    submission_send_to_council(
        submission=Submission.objects.get(pk=bac_ninh.pk), actor=cast["secretariat"]
    )
    for item in bac_ninh.items.exclude(scoring_mode="survey"):
        score_finalise(item=item, actor=cast["finance_member"], value=item.review_score)
    submission_appraise(submission=bac_ninh, actor=cast["chair"])
    bac_ninh.refresh_from_db()
    assert bac_ninh.state == "appraised"
    finals = AuditEvent.objects.filter(
        submission_id=bac_ninh.pk, kind="score", action="final_score"
    )
    assert finals.count() == bac_ninh.items.exclude(scoring_mode="survey").count()
