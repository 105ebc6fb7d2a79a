"""Domain reviews: assignment (guardian grants, conflict of interest), queries and the clock."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from appraisal.models import DomainReview
from tests.conftest import fill_self_scores
from workflow.models import AuditEvent
from workflow.services.assignments import review_assign
from workflow.services.queries import query_answer, query_close, query_raise, query_reopen
from workflow.services.reviews import review_complete, review_reopen, review_start
from workflow.services.scores import score_propose
from workflow.services.submissions import (
    submission_approve,
    submission_send_for_approval,
    submission_start_review,
)

pytestmark = pytest.mark.django_db
DUE = datetime.date(2027, 2, 1)


def under_review(submission, cast, focal, leader):
    fill_self_scores(submission)
    submission_send_for_approval(submission=submission, actor=cast[focal])
    submission_approve(submission=submission, actor=cast[leader])
    return submission_start_review(submission=submission, actor=cast["secretariat"])


@pytest.fixture
def finance_review(cast, bac_ninh):
    under_review(bac_ninh, cast, "bacninh_focal", "bacninh_leader")
    return DomainReview.objects.get(submission=bac_ninh, domain__code="6")


def test_each_review_names_its_reports_campaign(cast, finance_review, bac_ninh):
    """The matrix, the dashboard and the risks read a campaign's reviews by this column."""
    reviews = DomainReview.objects.filter(submission=bac_ninh)
    assert reviews.count() > 1
    assert set(reviews.values_list("campaign_id", flat=True)) == {bac_ninh.campaign_id}
    assert set(bac_ninh.campaign.domain_reviews.all()) == set(reviews)


def test_the_coordinator_assigns_a_reviewer_of_their_ministry(cast, finance_review):
    reviewer = cast["finance_reviewer"]
    assert not reviewer.has_perm("appraisal.review_domainreview", finance_review)
    review = review_assign(
        review=finance_review, reviewer=reviewer, actor=cast["finance_coordinator"]
    )
    assert review.state == "assigned" and review.reviewer == reviewer
    assert reviewer.has_perm("appraisal.review_domainreview", review)
    with pytest.raises(PermissionDenied, match="không thuộc cơ quan"):
        review_assign(
            review=review, reviewer=cast["justice_reviewer"], actor=cast["finance_coordinator"]
        )
    with pytest.raises(PermissionDenied):
        review_assign(review=review, reviewer=reviewer, actor=cast["justice_coordinator"])


def test_reassignment_moves_the_grant_and_keeps_the_history(cast, finance_review):
    review_assign(
        review=finance_review, reviewer=cast["finance_reviewer"], actor=cast["finance_coordinator"]
    )
    review_assign(
        review=finance_review,
        reviewer=cast["home_reviewer"],
        actor=cast["secretariat"],
        reason="Bộ Tài chính thiếu người",
    )
    finance_review.refresh_from_db()
    assert not cast["finance_reviewer"].has_perm("appraisal.review_domainreview", finance_review)
    history = AuditEvent.objects.filter(
        object_type="domain_review", object_id=finance_review.pk, kind="assignment"
    )
    assert list(history.values_list("old_value", "new_value")) == [
        ("", "thamdinh.btc"),
        ("thamdinh.btc", "thamdinh.bnv"),
    ]


def test_conflict_of_interest_nobody_reviews_their_own_ministry(cast, justice):
    under_review(justice, cast, "justice_focal", "justice_leader")
    institutions = DomainReview.objects.get(
        submission=justice, domain__code="2"
    )  # owned by Justice itself
    with pytest.raises(PermissionDenied, match="Xung đột lợi ích"):
        review_assign(
            review=institutions, reviewer=cast["justice_reviewer"], actor=cast["secretariat"]
        )
    with pytest.raises(PermissionDenied, match="Xung đột lợi ích"):
        review_assign(
            review=institutions,
            reviewer=cast["justice_reviewer"],
            actor=cast["justice_coordinator"],
        )
    # Justice may not review its own domain: the secretariat gives it elsewhere, with a reason
    review = review_assign(
        review=institutions,
        reviewer=cast["home_reviewer"],
        actor=cast["secretariat"],
        reason="Xung đột lợi ích của Bộ Tư pháp",
    )
    assert review.reviewer == cast["home_reviewer"]


def test_only_the_assigned_reviewer_works_and_completes(cast, finance_review):
    review = review_assign(
        review=finance_review, reviewer=cast["finance_reviewer"], actor=cast["finance_coordinator"]
    )
    with pytest.raises(PermissionDenied):
        review_start(review=review, actor=cast["home_reviewer"])
    review = review_start(review=review, actor=cast["finance_reviewer"])
    item = review.submission.items.filter(domain_id=review.domain_id, scoring_mode="self").first()
    with pytest.raises(PermissionDenied):
        score_propose(item=item, actor=cast["home_reviewer"], value=item.self_score)
    with pytest.raises(ValidationError, match="lý do"):
        score_propose(item=item, actor=cast["finance_reviewer"], value=0)
    with pytest.raises(ValidationError, match="chưa có điểm đề xuất"):
        review_complete(review=review, actor=cast["finance_reviewer"])


def test_a_query_pauses_the_review_until_the_unit_answers(cast, finance_review):
    reviewer = cast["finance_reviewer"]
    review = review_assign(
        review=finance_review, reviewer=reviewer, actor=cast["finance_coordinator"]
    )
    review = review_start(review=review, actor=reviewer)
    items = list(review.submission.items.filter(domain_id=review.domain_id)[:2])
    query = query_raise(
        review=review,
        items=items,
        question="Bổ sung quyết định giao dự toán",
        due_on=DUE,
        actor=reviewer,
    )
    review.refresh_from_db()
    assert (query.state, review.state) == ("open", "awaiting_unit")
    with pytest.raises(PermissionDenied):
        query_answer(query=query, answer="Đã bổ sung", actor=cast["hanoi_focal"])
    with pytest.raises(ValidationError, match="trả lời"):
        query_answer(query=query, answer=" ", actor=cast["bacninh_focal"])
    query = query_answer(
        query=query, answer="Đã bổ sung quyết định số 12/QĐ-UBND", actor=cast["bacninh_focal"]
    )
    review.refresh_from_db()
    assert (query.state, review.state) == ("answered", "in_progress")
    query = query_reopen(query=query, note="Quyết định chưa có chữ ký", actor=reviewer)
    review.refresh_from_db()
    assert review.state == "awaiting_unit"
    query = query_answer(query=query, answer="Gửi bản có chữ ký", actor=cast["bacninh_leader"])
    query = query_close(query=query, accepted=True, note="Đạt", actor=reviewer)
    review.refresh_from_db()
    assert (query.state, query.accepted, review.state) == ("closed", True, "in_progress")
    actions = AuditEvent.objects.filter(object_type="query", object_id=query.pk).values_list(
        "action", flat=True
    )
    assert list(actions) == ["raise", "answer", "reopen", "answer", "close"]


def test_a_query_names_items_of_its_own_domain(cast, finance_review):
    reviewer = cast["finance_reviewer"]
    review = review_start(
        review=review_assign(
            review=finance_review, reviewer=reviewer, actor=cast["finance_coordinator"]
        ),
        actor=reviewer,
    )
    other = review.submission.items.exclude(domain_id=review.domain_id).first()
    with pytest.raises(ValidationError, match="thuộc lĩnh vực"):
        query_raise(review=review, items=[other], question="?", due_on=DUE, actor=reviewer)


def test_completion_with_an_open_query_needs_a_recorded_override_and_reopen_is_for_secretariat(
    cast, finance_review
):
    reviewer = cast["finance_reviewer"]
    review = review_start(
        review=review_assign(
            review=finance_review, reviewer=reviewer, actor=cast["finance_coordinator"]
        ),
        actor=reviewer,
    )
    for item in review.submission.items.filter(domain_id=review.domain_id).exclude(
        scoring_mode="survey"
    ):
        score_propose(item=item, actor=reviewer, value=item.self_score)
    query = query_raise(
        review=review, items=[item], question="Giải trình thêm", due_on=DUE, actor=reviewer
    )
    query_answer(query=query, answer="Đã giải trình", actor=cast["bacninh_focal"])
    query_reopen(query=query, note="Chưa rõ", actor=reviewer)
    with pytest.raises(ValidationError, match="chưa đóng"):  # waiting on the unit
        review_complete(review=review, actor=reviewer)
    query_answer(query=query, answer="Bổ sung lần 2", actor=cast["bacninh_focal"])
    with pytest.raises(ValidationError, match="chưa đóng"):  # answered, not closed
        review_complete(review=review, actor=reviewer)
    review = review_complete(
        review=review, actor=reviewer, override="Đơn vị đã giải trình đủ tại cuộc họp"
    )
    assert review.state == "completed"
    assert AuditEvent.objects.get(
        object_type="domain_review", object_id=review.pk, action="complete"
    ).comment
    # the override closes what was left open, with its reason, so the unit is not left waiting
    query.refresh_from_db()
    assert (query.state, query.close_note) == ("closed", "Đơn vị đã giải trình đủ tại cuộc họp")
    assert [m.kind for m in query.messages.order_by("pk")] == [
        "question",
        "answer",
        "follow_up",
        "answer",
        "close",
    ]
    with pytest.raises(PermissionDenied):
        review_reopen(review=review, actor=reviewer, comment="Xem lại")
    with pytest.raises(ValidationError, match="lý do"):
        review_reopen(review=review, actor=cast["secretariat"])
    reopened = review_reopen(review=review, actor=cast["secretariat"], comment="Thiếu căn cứ 6.2")
    assert reopened.state == "in_progress"


def review_everything(submission, cast):
    from workflow.services.assignments import reviews_assign

    reviewer = cast["home_reviewer"]
    reviews = list(DomainReview.objects.filter(submission=submission))
    # one reviewer for every domain: the secretariat crosses ministries, with its reason
    reviews_assign(
        plan=[(review, reviewer) for review in reviews],
        actor=cast["secretariat"],
        reason="Một chuyên viên thẩm định cả hồ sơ (thử nghiệm)",
    )
    for review in reviews:
        review = review_start(review=review, actor=reviewer)
        for item in submission.items.filter(domain_id=review.domain_id, applicable=True).exclude(
            scoring_mode="survey"
        ):
            value, reason = item.self_score, ""
            if value is None:  # scored centrally
                value, reason = item.max_points, "Theo số liệu theo dõi"
            score_propose(item=item, actor=reviewer, value=value, reason=reason)
        review_complete(review=review, actor=reviewer)


def test_the_last_completed_review_makes_the_report_reviewed_and_reopening_undoes_it(
    cast, bac_ninh
):
    under_review(bac_ninh, cast, "bacninh_focal", "bacninh_leader")
    review_everything(bac_ninh, cast)
    bac_ninh.refresh_from_db()
    assert bac_ninh.state == "reviewed"
    finance = DomainReview.objects.get(submission=bac_ninh, domain__code="6")
    review_reopen(review=finance, actor=cast["secretariat"], comment="Thiếu căn cứ tiêu chí 6.2")
    bac_ninh.refresh_from_db()
    finance.refresh_from_db()
    assert (bac_ninh.state, finance.state) == ("under_review", "in_progress")
    assert AuditEvent.objects.filter(
        submission_id=bac_ninh.pk, action="reopen_review", comment="Thiếu căn cứ tiêu chí 6.2"
    ).exists()
    review_complete(review=finance, actor=cast["home_reviewer"])
    bac_ninh.refresh_from_db()
    assert bac_ninh.state == "reviewed"
    # once before the council, the secretariat no longer reopens: the council sends back
    from appraisal.models import Submission

    Submission.objects.filter(pk=bac_ninh.pk).update(state="in_council")
    with pytest.raises(ValidationError, match="Hội đồng"):
        review_reopen(review=finance, actor=cast["secretariat"], comment="Xem lại")
    finance.refresh_from_db()
    assert finance.state == "completed"
