"""A unit's report: self-assessment, approval, review, council and publication."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow import fsm, this

from appraisal import permissions
from appraisal.models import ScoreItem, Submission
from appraisal.models.choices import ScoringMode, Stage
from appraisal.models.states import SubmissionState
from appraisal.selectors.deadlines import stage_due
from documents.models import Binding
from workflow.flows.base import CONDITION, BaseFlow, C, R, S, wire


class SubmissionFlow(BaseFlow):
    object_type = "submission"
    state = fsm.State(SubmissionState, default=S.DRAFT)

    wire(state)

    def program_id(self) -> int:
        return self.obj.campaign.program_id

    def submission_id(self) -> int:
        return self.obj.pk

    def stage(self) -> str:
        return self.obj.campaign.state

    # permissions
    def may_edit(self, user) -> bool:
        return permissions.can_edit_submission(user, self.obj)

    def may_approve(self, user) -> bool:
        return permissions.is_unit_leader(user, self.obj)

    def may_manage(self, user) -> bool:
        return permissions.is_secretariat(user, self.program_id())

    def may_follow_up(self, user) -> bool:
        return permissions.is_system_or_secretariat(user, self.program_id())

    def may_chair(self, user) -> bool:
        return permissions.is_council_chair_for(user, self.obj)

    # conditions
    def may_still_submit(self) -> CONDITION:
        """The deadline rule: a unit sends, approves and withdraws while the campaign's
        self-assessment is open and, after the campaign moved on, until its own deadline (the
        stage's, or its granted extension) — moving the campaign never shuts a unit out
        whose deadline still runs."""
        campaign = self.obj.campaign
        if campaign.state == C.SELF_ASSESSMENT:
            return CONDITION(True)
        if campaign.state not in (C.REVIEW, C.COUNCIL):
            return CONDITION(False, _("Đợt đánh giá không ở giai đoạn tự đánh giá."))
        due = stage_due(self.obj, Stage.SELF_ASSESSMENT)
        return CONDITION(
            due is not None and timezone.localdate() <= due,
            _(
                "Đã hết hạn tự đánh giá của đơn vị và đợt đánh giá đã chuyển sang giai đoạn sau: đề nghị Cơ quan thường trực mở lại tự đánh giá cho đơn vị."
            ),
        )

    def is_complete(self) -> CONDITION:
        missing = incomplete_items(self.obj)
        return CONDITION(
            not missing,
            _(
                "Còn %(n)s tiêu chí chưa chấm điểm hoặc chưa giải trình khi không có tài liệu kiểm chứng: %(codes)s."
            )
            % {"n": len(missing), "codes": ", ".join(missing)},
        )

    def before_deadline(self) -> CONDITION:
        due = stage_due(self.obj, Stage.SELF_ASSESSMENT)  # the unit's extension counts
        return CONDITION(
            due is None or timezone.localdate() <= due,
            _("Đã quá hạn tự đánh giá: không thể rút hồ sơ."),
        )

    def has_comment(self) -> CONDITION:
        return CONDITION(bool(self.comment.strip()), _("Cần nêu lý do."))

    def campaign_allows_review(self) -> CONDITION:
        # Early reports may be reviewed while other units still self-assess, and a report
        # submitted late under an extension still goes to review in the council stage.
        return CONDITION(
            self.obj.campaign.state in (C.SELF_ASSESSMENT, C.REVIEW, C.COUNCIL),
            _("Đợt đánh giá không còn ở giai đoạn thẩm định."),
        )

    def all_reviews_completed(self) -> CONDITION:
        reviews = self.obj.reviews.all()
        ok = reviews.exists() and not reviews.exclude(state=R.COMPLETED).exists()
        return CONDITION(ok, _("Còn lĩnh vực chưa thẩm định xong."))

    def campaign_in_council(self) -> CONDITION:
        return CONDITION(
            self.obj.campaign.state == C.COUNCIL,
            _("Đợt đánh giá chưa chuyển sang giai đoạn Hội đồng."),
        )

    def all_final(self) -> CONDITION:
        missing = self.obj.items.filter(applicable=True, final_score__isnull=True).exclude(
            scoring_mode=ScoringMode.SURVEY
        )
        count = missing.count()
        return CONDITION(
            count == 0, _("Còn %(n)s tiêu chí chưa có điểm Hội đồng chốt.") % {"n": count}
        )

    def campaign_published(self) -> CONDITION:
        return CONDITION(
            self.obj.campaign.state in (C.COUNCIL, C.PUBLISHED),
            _("Đợt đánh giá chưa được công bố."),
        )

    @state.transition(
        source=S.DRAFT,
        target=S.PENDING_APPROVAL,
        conditions=[this.may_still_submit, this.is_complete],
        permission=this.may_edit,
    )
    def send_for_approval(self) -> None:
        """The focal point sends the finished self-assessment to the unit's leader."""

    @state.transition(
        source=S.PENDING_APPROVAL,
        target=S.SUBMITTED,
        conditions=[this.may_still_submit, this.is_complete],
        permission=this.may_approve,
    )
    def approve(self) -> None:
        """The leader approves and submits the report."""
        self.obj.submitted_at = timezone.now()

    @state.transition(
        source=S.PENDING_APPROVAL,
        target=S.DRAFT,
        conditions=[this.has_comment],
        permission=this.may_approve,
    )
    def return_to_draft(self) -> None:
        """The leader sends the draft back to the focal point."""

    @state.transition(
        source=S.SUBMITTED,
        target=S.DRAFT,
        conditions=[this.may_still_submit, this.before_deadline],
        permission=this.may_approve,
    )
    def withdraw(self) -> None:
        """The unit takes its report back, before review starts and before the deadline."""
        self.obj.submitted_at = None

    @state.transition(
        source=S.SUBMITTED,
        target=S.DRAFT,
        conditions=[this.has_comment],
        permission=this.may_manage,
    )
    def return_incomplete(self) -> None:
        """The secretariat returns an incomplete report to the unit."""
        self.obj.submitted_at = None

    @state.transition(
        source=S.SUBMITTED,
        target=S.UNDER_REVIEW,
        conditions=[this.campaign_allows_review],
        permission=this.may_manage,
    )
    def start_review(self) -> None:
        """The report goes to the line ministries, one domain review per domain."""

    @state.transition(
        source=S.UNDER_REVIEW,
        target=S.REVIEWED,
        conditions=[this.all_reviews_completed],
        permission=this.may_follow_up,
    )
    def finish_review(self) -> None:
        """Every domain review is complete (done by the system after the last one)."""

    @state.transition(
        source=S.REVIEWED,
        target=S.UNDER_REVIEW,
        conditions=[this.has_comment],
        permission=this.may_manage,
    )
    def reopen_review(self) -> None:
        """The secretariat reopens a completed domain review before the report goes to the
        council (done with the domain review's reopening)."""

    @state.transition(
        source=S.REVIEWED,
        target=S.IN_COUNCIL,
        conditions=[this.campaign_in_council],
        permission=this.may_manage,
    )
    def send_to_council(self) -> None:
        """The secretariat puts the reviewed report before the council."""

    @state.transition(
        source=S.IN_COUNCIL,
        target=S.APPRAISED,
        conditions=[this.all_final],
        permission=this.may_chair,
    )
    def appraise(self) -> None:
        """The council chair confirms the final scores."""

    @state.transition(
        source=S.IN_COUNCIL,
        target=S.UNDER_REVIEW,
        conditions=[this.has_comment],
        permission=this.may_chair,
    )
    def send_back_to_review(self) -> None:
        """The council sends domains back to their reviewers."""

    @state.transition(
        source=S.APPRAISED,
        target=S.PUBLISHED,
        conditions=[this.campaign_published],
        permission=this.may_follow_up,
    )
    def publish(self) -> None:
        """Published with the campaign; nothing changes any more."""


def incomplete_items(submission: Submission) -> list[str]:
    """Codes of the applicable self-scored items without a score, or without both bound
    evidence and an explanation."""
    rows = (
        ScoreItem.objects.filter(
            submission=submission, applicable=True, scoring_mode=ScoringMode.SELF
        )
        .annotate(has_evidence=Exists(Binding.objects.filter(item_id=OuterRef("pk"))))
        .filter(Q(self_score__isnull=True) | Q(explanation="", has_evidence=False))
        .order_by("position")
        .values_list("node__code", flat=True)
    )
    return list(rows)
