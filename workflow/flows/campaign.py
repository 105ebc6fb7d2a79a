"""The campaign's lifecycle: a year from its preparation to its archive."""

from django.utils.translation import gettext as _
from viewflow import fsm, this

from appraisal import permissions
from appraisal.models import SurveyResult
from appraisal.models.choices import Stage
from appraisal.models.states import CampaignState
from documents.issuers import issue_problem
from workflow.flows.base import CONDITION, BaseFlow, C, S, wire


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

    def issuer_ready(self) -> CONDITION:
        """The program's owner has what its decision cannot be issued without (grounds,
        signer, place, …) — named when it lacks any."""
        problem = issue_problem(self.obj.program.owner)
        return CONDITION(not problem, problem)

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
        conditions=[this.all_appraised, this.issuer_ready],
        permission=this.may_manage,
    )
    def publish(self) -> None:
        """Results are public; nothing changes any more."""

    @state.transition(source=C.PUBLISHED, target=C.ARCHIVED, permission=this.may_manage)
    def archive(self) -> None:
        """The year is closed."""
