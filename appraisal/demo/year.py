"""`seed_demo --through published`: the demo year carried to its end with the real services —
every report scored, approved, reviewed and appraised, the survey imported, the council
sitting, the year published. Units without a demo persona get a focal point and a leader
(`<code>.daumoi`, `<code>.lanhdao`) so that their own people act for them."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction

from appraisal.demo.seed import propose_all, score_items
from appraisal.models import Campaign, DomainReview, RoleAssignment, Submission
from appraisal.models.choices import Role, ScoringMode
from appraisal.models.states import CampaignState, DomainReviewState, QueryState, SubmissionState
from appraisal.permissions import conflict_of_interest
from appraisal.workdays import today
from workflow.services.accounts import user_ensure
from workflow.services.assignments import reviews_assign
from workflow.services.campaign_stages import (
    campaign_publish,
    campaign_start_council,
    campaign_start_review,
)
from workflow.services.council import council_session_create, council_session_minutes
from workflow.services.queries import query_answer, query_close
from workflow.services.reviews import review_complete, review_start
from workflow.services.roles import role_grant
from workflow.services.scores_bulk import scores_finalise_from_proposals
from workflow.services.submissions import (
    submission_appraise,
    submission_approve,
    submission_send_for_approval,
    submission_send_to_council,
    submission_start_review,
)
from workflow.services.survey import survey_apply, survey_maxima, survey_upload

S = SubmissionState


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _unit_people(submission: Submission, password_hash: str) -> tuple:
    """The unit's focal point and leader: the demo persona, or one made for the unit."""
    program = submission.campaign.program
    people = []
    for role, suffix in ((Role.FOCAL_POINT, "daumoi"), (Role.LEADER, "lanhdao")):
        grant = (
            RoleAssignment.objects.filter(program=program, role=role, organisation=submission.unit)
            .select_related("user")
            .first()
        )
        if grant is None:
            user = user_ensure(
                username=f"{submission.unit.code.lower()}.{suffix}",
                full_name=f"{'Đầu mối' if suffix == 'daumoi' else 'Lãnh đạo'} {submission.unit.name_vi}",
                email=f"{submission.unit.code.lower()}.{suffix}@demo.parcouncil.invalid",
                password_hash=password_hash,
            )
            grant = role_grant(
                user=user, program=program, role=role, organisation=submission.unit, actor=None
            )
        people.append(grant.user)
    return tuple(people)


def _reviewer_for(review: DomainReview, reviewers: dict[str, list[User]]) -> User:
    """The owning ministry's reviewer, or another ministry's when that one is conflicted."""
    own = reviewers.get(review.organisation.code, [])
    others = [
        u for code, users in reviewers.items() if code != review.organisation.code for u in users
    ]
    return next(u for u in own + others if not conflict_of_interest(u, review.submission))


def carry_to_published(campaign: Campaign, password_hash: str) -> None:
    secretariat, chair = _user("thuky"), _user("chutich")
    reviewers = {
        code: [_user(f"thamdinh.{code.lower()}")] for code in ("BTP", "VPCP", "BTC", "BKHCN", "BNV")
    }
    submissions = list(
        campaign.submissions.select_related("unit", "campaign", "campaign__program").order_by(
            "unit__code"
        )
    )
    for submission in submissions:
        with transaction.atomic():
            _to_reviewed(submission, secretariat, reviewers, password_hash)
    if campaign.state == CampaignState.SELF_ASSESSMENT:
        campaign = campaign_start_review(campaign=campaign, actor=secretariat)
    if campaign.state == CampaignState.REVIEW:
        campaign = campaign_start_council(campaign=campaign, actor=secretariat)
    for submission in submissions:
        submission.refresh_from_db()
        if submission.state == S.REVIEWED:
            submission_send_to_council(submission=submission, actor=secretariat)
    agenda = list(campaign.submissions.filter(state=S.IN_COUNCIL))
    session = council_session_create(
        campaign=campaign,
        held_on=today(),
        place="Trụ sở Bộ Nội vụ, Hà Nội",
        agenda=agenda,
        actor=secretariat,
    )
    for submission in agenda:
        with transaction.atomic():
            judge = chair if submission.unit.code != "BNV" else _user("hoidong.vpcp")
            scores_finalise_from_proposals(submission=submission, actor=judge)
            submission_appraise(submission=submission, actor=judge)
    council_session_minutes(
        session=session,
        minutes=(
            "Hội đồng đã xem xét kết quả thẩm định của các bộ, ngành và địa phương, thống nhất "
            "lấy điểm đề xuất sau thẩm định làm điểm chốt, trừ các nội dung đã điều chỉnh có ghi lý do."
        ),
        actor=secretariat,
    )
    _survey(campaign, secretariat)
    campaign_publish(campaign=campaign, actor=secretariat)


def _to_reviewed(submission, secretariat, reviewers, password_hash) -> None:
    focal, leader = _unit_people(submission, password_hash)
    if submission.state == S.DRAFT:
        left = submission.items.filter(scoring_mode=ScoringMode.SELF, self_score__isnull=True)
        if left.exists():
            score_items(submission, focal.username, with_files=False)
        submission_send_for_approval(submission=submission, actor=focal)
        submission.refresh_from_db()
    if submission.state == S.PENDING_APPROVAL:
        submission_approve(submission=submission, actor=leader)
        submission.refresh_from_db()
    if submission.state == S.SUBMITTED:
        submission_start_review(submission=submission, actor=secretariat)
        submission.refresh_from_db()
    if submission.state != S.UNDER_REVIEW:
        return
    reviews = list(
        DomainReview.objects.filter(submission=submission).select_related(
            "submission__unit", "submission__campaign", "organisation", "domain"
        )
    )
    pending = [r for r in reviews if r.state == DomainReviewState.PENDING]
    if pending:
        reviews_assign(
            plan=[(r, _reviewer_for(r, reviewers)) for r in pending],
            actor=secretariat,
            # recorded only where a conflicted ministry's domain goes to another ministry
            reason="Xung đột lợi ích: cơ quan thẩm định lĩnh vực là đơn vị được đánh giá",
        )
    for review in (
        DomainReview.objects.filter(submission=submission)
        .exclude(state=DomainReviewState.COMPLETED)
        .select_related("reviewer", "domain")
    ):
        reviewer = review.reviewer
        assert reviewer is not None  # every review was assigned just above
        if review.state == DomainReviewState.ASSIGNED:
            review = review_start(review=review, actor=reviewer)
        for query in review.queries.filter(state=QueryState.OPEN):
            query_answer(
                query=query, answer="Đơn vị đã bổ sung tài liệu theo yêu cầu.", actor=focal
            )
        for query in review.queries.exclude(state=QueryState.CLOSED):
            query_close(query=query, accepted=True, note="", actor=reviewer)
        missing = submission.items.filter(
            domain_id=review.domain_id, applicable=True, review_score__isnull=True
        ).exclude(scoring_mode=ScoringMode.SURVEY)
        if missing.exists():
            propose_all(review, reviewer, adjust=False)
        review_complete(review=review, actor=reviewer)


def _survey(campaign: Campaign, secretariat) -> None:
    maxima = survey_maxima(campaign)
    lines = ["unit_code,survey_points"]
    for submission in campaign.submissions.select_related("unit").order_by("unit__code"):
        maximum = maxima[submission.level][0]
        share = Decimal(70 + (sum(map(ord, submission.unit.code)) % 25)) / 100
        lines.append(f"{submission.unit.code},{(maximum * share).quantize(Decimal('0.01'))}")
    preview = survey_upload(
        campaign=campaign,
        data="\n".join(lines).encode(),
        filename="dieu-tra-xa-hoi-hoc.csv",
        actor=secretariat,
    )
    assert preview.upload is not None, preview.problems  # the demo's own file is valid
    survey_apply(upload=preview.upload, actor=secretariat)
