"""The lifecycles, declared with viewflow.fsm: one flow class per lifecycle.

A flow wraps one object and the context of one call (actor, comment, IP). Its transitions
declare source, target, conditions and permission; its single `on_success` hook saves the
object and writes the audit row. Calling a transition does NOT check its permission:
`workflow.services` does that, always, before calling.
"""

from django.contrib.auth.models import User
from viewflow import fsm

from appraisal.models.states import CampaignState, DomainReviewState, QueryState, SubmissionState
from workflow.audit import AuditRow, audit_records
from workflow.models import AuditKind

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
        actor: User | None,
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

    def transition_done(self, descriptor, source: str, target: str, **kwargs) -> None:
        """The flow's single on_success hook: save and audit (the side effects are the
        services', called at their end). A deferred
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


def wire(state: fsm.State) -> None:
    """Keep a flow's state in its object's `state` field, and save and audit on success."""
    state.getter()(BaseFlow.get_state)
    state.setter()(BaseFlow.set_state)
    state.on_success()(BaseFlow.transition_done)


# Campaign ------------------------------------------------------------------------------


# Submission ----------------------------------------------------------------------------


# Domain review -------------------------------------------------------------------------


# Query ---------------------------------------------------------------------------------
