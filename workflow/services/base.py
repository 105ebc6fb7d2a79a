"""The one way a transition runs: lock, check state, permission and conditions, change,
save and audit (the flow's on_success), all in the caller's transaction."""

from typing import TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from viewflow.fsm import TransitionNotAllowed

from appraisal import permissions
from appraisal.models import Program
from appraisal.problems import problem_text
from workflow.flows import BaseFlow
from workflow.labels import TRANSITION_LABELS

M = TypeVar("M", bound=models.Model)


class TransitionRefused(PermissionDenied):
    """The actor may not make this transition."""


class TransitionInvalid(ValidationError):
    """The transition cannot happen now: wrong state or an unmet condition."""


class ReasonNeeded(ValidationError):
    """A score that departs from the one before it waits for its reason: the pair of fields
    is not complete yet (pages say so calmly, not as a refusal)."""


# What each kind of row's transitions read besides the row: fetched with it when it is locked.
SUBMISSION_RELATED = ("campaign", "campaign__program", "unit")
REVIEW_RELATED = (
    "submission",
    "submission__campaign",
    "submission__unit",
    "domain",
    "organisation",
)


def require_secretariat(
    actor: User | None, program: Program | int, refusal: str | None = None
) -> None:
    """Only the program's secretariat may go on (no actor: the system itself, as the commands
    and the demo data act); `refusal` says what was refused."""
    if actor is not None and not permissions.is_secretariat(actor, program):
        raise PermissionDenied(
            refusal or _("Chỉ cơ quan thường trực của chương trình mới được làm việc này.")
        )


def lock(model: type[M], pk: int, *related: str) -> M:
    """Re-read the row FOR UPDATE (only its own row: `of=self`), with what predicates need."""
    queryset = model._default_manager.select_related(*related).select_for_update(of=("self",))
    return queryset.get(pk=pk)


def run_locked(
    flow_class: type[BaseFlow],
    obj: M,
    name: str,
    *related: str,
    actor: User | None,
    comment: str = "",
    ip: str | None = None,
) -> M:
    """Lock `obj`'s row (with what its predicates read), run transition `name` on it (the
    flow saves and audits) and return the locked row."""
    locked = lock(type(obj), obj.pk, *related)
    run(flow_class, locked, name, actor=actor, comment=comment, ip=ip)
    return locked


def refusal(flow: BaseFlow, name: str) -> ValidationError | PermissionDenied | None:
    """What refuses transition `name` of `flow` for its actor now: the wrong state, no
    permission, or an unmet condition (with its message); None when it would go through.
    `run` raises it; pages ask it before offering a button."""
    flow_class = type(flow)
    bound = getattr(flow, name)
    label = _transition_label(flow_class, name)
    if not bound.can_proceed(check_conditions=False):
        return TransitionInvalid(
            _("Không thể “%(action)s” khi đang ở trạng thái “%(state)s”.")
            % {"action": label, "state": _state_label(flow.obj)}
        )
    if not bound.has_perm(flow.actor):
        return TransitionRefused(
            _("Bạn không có quyền “%(action)s” ở bước này.") % {"action": label}
        )
    transition = flow_class.__dict__[name].get_transition(flow.get_state())
    unmet = transition.get_unmet_condition(flow)
    if unmet is not None:
        _condition, result = unmet
        return TransitionInvalid(getattr(result, "message", "") or _("Chưa đủ điều kiện."))
    return None


# what a page puts in the reason box before asking: the person types the real one
REASON_GIVEN = "…"


def offer(
    flow_class: type[BaseFlow],
    obj: models.Model,
    name: str,
    user: User | None,
    *,
    needs_reason: bool = False,
) -> tuple[bool, str]:
    """Whether a page may offer transition `name` to `user` (the reason it will ask for
    taken as given), and the message when it may not. A transition refused for its state or
    permission is not shown at all (empty message)."""
    flow = flow_class(obj, actor=user, comment=REASON_GIVEN if needs_reason else "")
    problem = refusal(flow, name)
    if problem is None:
        return True, ""
    if isinstance(problem, PermissionDenied) or not getattr(flow, name).can_proceed(
        check_conditions=False
    ):
        return False, ""
    return False, problem_text(problem)


def run(
    flow_class: type[BaseFlow],
    obj: models.Model,
    name: str,
    *,
    actor: User | None,
    comment: str = "",
    ip: str | None = None,
    deferred: bool = False,
) -> BaseFlow:
    """Run transition `name` on a locked `obj`. Refusals raise and change nothing. A deferred
    run changes `obj` in memory only: the caller saves it and `flow.audit_row`."""
    flow = flow_class(obj, actor=actor, comment=comment, ip=ip, deferred=deferred)
    problem = refusal(flow, name)
    if problem is not None:
        raise problem
    try:
        getattr(flow, name)()
    except TransitionNotAllowed as exc:  # a race the checks above did not see
        raise TransitionInvalid(str(exc)) from exc
    return flow


def _state_label(obj: models.Model) -> str:
    # every row a flow moves has a `state` field with choices
    return str(obj.get_state_display())  # type: ignore[attr-defined]


def _transition_label(flow_class: type[BaseFlow], name: str) -> str:
    return str(TRANSITION_LABELS.get((flow_class.object_type, name), name))
