"""A domain's review by its line ministry, and the queries it sends the unit."""

from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow import fsm, this

from appraisal import permissions
from appraisal.models.choices import ScoringMode, Stage
from appraisal.models.states import DomainReviewState, QueryState
from appraisal.workdays import working_days_between
from workflow.flows.base import CONDITION, BaseFlow, Qs, R, S, wire


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
