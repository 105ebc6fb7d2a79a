"""The lifecycles, declared with viewflow.fsm: one flow class per lifecycle.

A flow wraps one object and the context of one call (actor, comment, IP). Its transitions
declare source, target, conditions and permission; its single `on_success` hook saves the
object and writes the audit row. Calling a transition does NOT check its permission:
`workflow.services` does that, always, before calling.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow import fsm, this

from appraisal import permissions
from appraisal.models import Campaign, ScoreItem, Submission
from appraisal.models.choices import Role, ScoringMode, Stage
from appraisal.workdays import working_days_between
from workflow.audit import AuditRow, audit_records
from workflow.models import AuditKind
from workflow.states import CampaignState, DomainReviewState, QueryState, SubmissionState

S = SubmissionState
C = CampaignState
R = DomainReviewState
Qs = QueryState
CONDITION = fsm.State.CONDITION


class BaseFlow:
    """What every flow shares: the call context and the save-and-audit hook."""

    object_type = ""
    state_field = "state"

    def __init__(
        self,
        obj,
        *,
        actor: AbstractBaseUser | None,
        comment: str = "",
        ip: str | None = None,
        deferred: bool = False,
    ):
        self.obj = obj
        self.actor = actor
        self.comment = comment
        self.ip = ip
        # deferred: the caller saves many objects and their audit rows at once (bulk paths)
        self.deferred = deferred
        self.audit_row: AuditRow | None = None

    def get_state(self) -> str:
        return getattr(self.obj, self.state_field)

    def set_state(self, value: str) -> None:
        setattr(self.obj, self.state_field, value)

    def program_id(self) -> int:
        raise NotImplementedError

    def submission_id(self) -> int | None:
        return None

    def stage(self) -> str:
        return ""

    def after_transition(self, name: str) -> None:
        """Side effects of a transition, enqueued on commit (none by default)."""

    def transition_done(self, descriptor, source: str, target: str, **kwargs) -> None:
        """The flow's single on_success hook: save, audit, then side effects. A deferred
        flow keeps its audit row for the caller, who saves in bulk."""
        self.audit_row = AuditRow(
            kind=AuditKind.TRANSITION,
            actor=self.actor,
            ip=self.ip,
            program_id=self.program_id(),
            submission_id=self.submission_id(),
            obj_type=self.object_type,
            obj_id=self.obj.pk,
            action=descriptor._func.__name__,
            from_state=source,
            to_state=target if isinstance(target, str) else source,
            comment=self.comment,
            stage=self.stage(),
        )
        if not self.deferred:
            self.obj.save()
            audit_records([self.audit_row])
        self.after_transition(descriptor._func.__name__)


def wire(state: fsm.State) -> None:
    """Keep a flow's state in its object's `state` field, and save and audit on success."""
    state.getter()(BaseFlow.get_state)
    state.setter()(BaseFlow.set_state)
    state.on_success()(BaseFlow.transition_done)


def _deadline_not_passed(campaign: Campaign, stage: str) -> bool:
    deadline = next((d for d in campaign.deadlines.all() if d.stage == stage), None)
    return deadline is None or timezone.localdate() <= deadline.due_on


# Campaign ------------------------------------------------------------------------------


class CampaignFlow(BaseFlow):
    object_type = "campaign"
    state = fsm.State(CampaignState, default=C.DRAFT)

    wire(state)

    def program_id(self) -> int:
        return self.obj.program_id

    def may_manage(self, user) -> bool:
        # None: the command line or a scheduled job acting for the secretariat
        return permissions.is_system_or_secretariat(user, self.obj.program_id)

    def has_units_and_deadline(self) -> CONDITION:
        ok = (
            self.obj.submissions.exists()
            and self.obj.deadlines.filter(stage=Stage.SELF_ASSESSMENT).exists()
        )
        return CONDITION(ok, _("Đợt đánh giá cần có đơn vị và thời hạn tự đánh giá."))

    def all_appraised(self) -> CONDITION:
        """Every report in scope is appraised and has its survey points, unless the
        secretariat excluded it with a reason."""
        from appraisal.models import SurveyResult

        counted = self.obj.submissions.filter(exclusion_reason="")
        pending = counted.exclude(state=S.APPRAISED).count()
        if pending:
            return CONDITION(
                False,
                _("Còn %(n)s hồ sơ chưa được Hội đồng chốt điểm (hoặc loại khỏi kết quả có lý do).")
                % {"n": pending},
            )
        surveyed = SurveyResult.objects.filter(campaign=self.obj).values("unit_id")
        missing = counted.exclude(unit_id__in=surveyed).count()
        return CONDITION(
            missing == 0,
            _("Còn %(n)s đơn vị chưa có điểm điều tra xã hội học.") % {"n": missing},
        )

    @state.transition(
        source=C.DRAFT,
        target=C.SELF_ASSESSMENT,
        conditions=[this.has_units_and_deadline],
        permission=this.may_manage,
    )
    def open_self_assessment(self) -> None:
        """Units may start scoring."""

    def has_comment(self) -> CONDITION:
        return CONDITION(bool(self.comment.strip()), _("Cần nêu lý do."))

    def nothing_before_council(self) -> CONDITION:
        """The council stage goes back only while no report was put before the council."""
        sent = self.obj.submissions.filter(
            state__in=[S.IN_COUNCIL, S.APPRAISED, S.PUBLISHED]
        ).count()
        return CONDITION(
            sent == 0,
            _("Đã có %(n)s hồ sơ trình Hội đồng: không thể quay lại giai đoạn thẩm định.")
            % {"n": sent},
        )

    @state.transition(source=C.SELF_ASSESSMENT, target=C.REVIEW, permission=this.may_manage)
    def start_review(self) -> None:
        """Line ministries may start reviewing submitted reports."""

    @state.transition(
        source=C.REVIEW,
        target=C.SELF_ASSESSMENT,
        conditions=[this.has_comment],
        permission=this.may_manage,
    )
    def reopen_self_assessment(self) -> None:
        """Back one stage: units may send their reports again (reviews already started go
        on, as reports submitted early do)."""

    @state.transition(
        source=C.COUNCIL,
        target=C.REVIEW,
        conditions=[this.has_comment, this.nothing_before_council],
        permission=this.may_manage,
    )
    def reopen_review(self) -> None:
        """Back one stage, while no report has been put before the council."""

    @state.transition(source=C.REVIEW, target=C.COUNCIL, permission=this.may_manage)
    def start_council(self) -> None:
        """The appraisal council examines the reviewed submissions."""

    @state.transition(
        source=C.COUNCIL,
        target=C.PUBLISHED,
        conditions=[this.all_appraised],
        permission=this.may_manage,
    )
    def publish(self) -> None:
        """Results are public; nothing changes any more."""

    @state.transition(source=C.PUBLISHED, target=C.ARCHIVED, permission=this.may_manage)
    def archive(self) -> None:
        """The year is closed."""


# Submission ----------------------------------------------------------------------------


# Transitions after which the self-assessment report is (re)made by a worker.
REPORT_AFTER = {"send_for_approval", "approve"}
# Transitions that tell people: (kind of message, the roles told)
TELL_AFTER = {
    "send_for_approval": ("submission_to_approve", (Role.LEADER,)),
    "approve": ("submission_submitted", (Role.SECRETARIAT,)),
    "return_to_draft": ("submission_returned", (Role.FOCAL_POINT,)),
    "return_incomplete": ("submission_returned", (Role.FOCAL_POINT, Role.LEADER)),
    "appraise": ("council_decision", (Role.LEADER,)),
    "send_back_to_review": ("council_decision", (Role.SECRETARIAT,)),
    "publish": ("published", (Role.FOCAL_POINT, Role.LEADER)),
}


class SubmissionFlow(BaseFlow):
    object_type = "submission"
    state = fsm.State(SubmissionState, default=S.DRAFT)

    wire(state)

    def after_transition(self, name: str) -> None:
        if name in REPORT_AFTER:
            from documents.tasks import enqueue_self_assessment_report

            enqueue_self_assessment_report(self.obj.pk)
        if name in TELL_AFTER:
            from notifications.services import notify_many, people

            kind, roles = TELL_AFTER[name]
            submission = self.obj
            unit = None if Role.SECRETARIAT in roles else submission.unit_id
            notify_many(
                people(submission.campaign.program_id, roles, unit),
                kind=kind,
                title=f"{submission.unit.name_vi} — {submission.campaign.year}",
                url_name="submission_detail",
                url_args=(submission.pk,),
            )

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
        from appraisal.deadlines import stage_due

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
        from appraisal.deadlines import stage_due

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
    from documents.models import Binding

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


# Domain review -------------------------------------------------------------------------


class DomainReviewFlow(BaseFlow):
    object_type = "domain_review"
    state = fsm.State(DomainReviewState, default=R.PENDING)

    wire(state)

    def program_id(self) -> int:
        return self.obj.submission.campaign.program_id

    def submission_id(self) -> int:
        return self.obj.submission_id

    def stage(self) -> str:
        return Stage.REVIEW

    def may_assign(self, user) -> bool:
        return permissions.can_assign_review(user, self.obj)

    def may_review(self, user) -> bool:
        return permissions.is_assigned_reviewer(user, self.obj)

    def may_follow_queries(self, user) -> bool:
        # queries move the clock: the reviewer raising one, the unit answering, or the system
        return (
            user is None
            or permissions.is_assigned_reviewer(user, self.obj)
            or permissions.can_edit_submission(user, self.obj.submission)
        )

    def may_reopen(self, user) -> bool:
        return permissions.can_reopen_review(user, self.obj)

    def submission_under_review(self) -> CONDITION:
        return CONDITION(
            self.obj.submission.state == S.UNDER_REVIEW, _("Hồ sơ không ở giai đoạn thẩm định.")
        )

    def has_reviewer(self) -> CONDITION:
        return CONDITION(self.obj.reviewer_id is not None, _("Chưa chọn chuyên viên thẩm định."))

    def proposals_complete(self) -> CONDITION:
        missing = self.obj.submission.items.filter(
            domain_id=self.obj.domain_id, applicable=True, review_score__isnull=True
        ).exclude(scoring_mode=ScoringMode.SURVEY)
        count = missing.count()
        return CONDITION(count == 0, _("Còn %(n)s tiêu chí chưa có điểm đề xuất.") % {"n": count})

    def no_open_query(self) -> CONDITION:
        open_queries = self.obj.queries.exclude(state=Qs.CLOSED).exists()
        return CONDITION(
            not open_queries or bool(self.obj.completion_override.strip()),
            _("Còn yêu cầu giải trình chưa đóng: đóng chúng hoặc nêu lý do hoàn thành."),
        )

    @state.transition(
        source=[R.PENDING, R.ASSIGNED],
        target=R.ASSIGNED,
        conditions=[this.submission_under_review, this.has_reviewer],
        permission=this.may_assign,
    )
    def assign(self) -> None:
        """A reviewer of the owning ministry is put on the review (again, when reassigned)."""

    @state.transition(
        source=[R.IN_PROGRESS, R.AWAITING_UNIT],
        conditions=[this.has_reviewer],
        permission=this.may_assign,
    )
    def reassign(self) -> None:
        """Another reviewer takes over work in progress; the state stays."""

    @state.transition(
        source=R.ASSIGNED,
        target=R.IN_PROGRESS,
        conditions=[this.submission_under_review],
        permission=this.may_review,
    )
    def start(self) -> None:
        """The reviewer starts."""

    def has_comment(self) -> CONDITION:
        return CONDITION(bool(self.comment.strip()), _("Cần nêu lý do."))

    def _end_pause(self) -> None:
        review = self.obj
        if review.paused_since is not None:
            review.paused_days += working_days_between(
                timezone.localdate(review.paused_since), timezone.localdate()
            )
            review.paused_since = None

    @state.transition(
        source=R.IN_PROGRESS, target=R.AWAITING_UNIT, permission=this.may_follow_queries
    )
    def await_unit(self) -> None:
        """A query waits on the unit: the review's clock pauses."""
        self.obj.paused_since = timezone.now()

    @state.transition(
        source=R.AWAITING_UNIT, target=R.IN_PROGRESS, permission=this.may_follow_queries
    )
    def resume(self) -> None:
        """No query waits on the unit any more: the clock runs again."""
        self._end_pause()

    @state.transition(
        source=[R.IN_PROGRESS, R.AWAITING_UNIT],
        target=R.COMPLETED,
        conditions=[this.proposals_complete, this.no_open_query],
        permission=this.may_review,
    )
    def complete(self) -> None:
        """Every applicable item has a proposed score, and no query is left open (or the
        reviewer recorded why the review completes anyway)."""
        self._end_pause()

    @state.transition(
        source=R.COMPLETED,
        target=R.IN_PROGRESS,
        conditions=[this.has_comment],
        permission=this.may_reopen,
    )
    def reopen(self) -> None:
        """The council or the secretariat sends the domain back, with its reason."""


# Query ---------------------------------------------------------------------------------


class QueryFlow(BaseFlow):
    object_type = "query"
    state = fsm.State(QueryState, default=Qs.OPEN)

    wire(state)

    def program_id(self) -> int:
        return self.obj.review.submission.campaign.program_id

    def submission_id(self) -> int:
        return self.obj.review.submission_id

    def stage(self) -> str:
        return Stage.REVIEW

    def may_answer(self, user) -> bool:
        return permissions.can_answer_query(user, self.obj)

    def may_review(self, user) -> bool:
        return permissions.is_assigned_reviewer(user, self.obj.review)

    def has_answer(self) -> CONDITION:
        return CONDITION(bool(self.obj.answer.strip()), _("Cần nhập nội dung trả lời."))

    @state.transition(
        source=Qs.OPEN, target=Qs.ANSWERED, conditions=[this.has_answer], permission=this.may_answer
    )
    def answer(self) -> None:
        """The unit answers, with text and new evidence."""
        self.obj.answered_at = timezone.now()

    @state.transition(source=[Qs.OPEN, Qs.ANSWERED], target=Qs.CLOSED, permission=this.may_review)
    def close(self) -> None:
        """The reviewer closes the query (accepted or not, with a note)."""
        self.obj.closed_at = timezone.now()

    @state.transition(source=[Qs.ANSWERED, Qs.CLOSED], target=Qs.OPEN, permission=this.may_review)
    def reopen(self) -> None:
        """The reviewer follows up: the query waits on the unit again."""
        self.obj.closed_at = None
