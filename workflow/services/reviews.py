from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from appraisal import permissions
from appraisal.models import DomainReview
from workflow.audit import audit_record
from workflow.flows import DomainReviewFlow, SubmissionFlow
from workflow.models import AuditKind
from workflow.services.base import (
    TransitionInvalid,
    TransitionRefused,
    lock,
    run,
    transition_service,
)
from workflow.states import DomainReviewState, SubmissionState

RELATED = ("submission", "submission__campaign", "domain", "organisation")

REFUSALS = {
    "not_reviewer": _("%(name)s không phải chuyên viên thẩm định của chương trình này."),
    "conflict": _(
        "Xung đột lợi ích: %(name)s thuộc đơn vị được đánh giá, không được thẩm định hồ sơ của chính đơn vị mình."
    ),
    "other_ministry": _("%(name)s không thuộc cơ quan được giao thẩm định lĩnh vực này."),
}


def _transition(name: str):
    return transition_service(DomainReviewFlow, DomainReview, name, *RELATED)


review_start = _transition("start")
review_await_unit = _transition("await_unit")
review_resume = _transition("resume")
review_reopen = _transition("reopen")


@transaction.atomic
def review_assign(
    *,
    review: DomainReview,
    reviewer: AbstractBaseUser,
    actor: AbstractBaseUser,
    ip: str | None = None,
) -> DomainReview:
    """Put a reviewer on a domain review (or replace one). The grant is a guardian object
    permission; the assignment itself is kept in our table for lists. History is audited."""
    locked = lock(DomainReview, review.pk, *RELATED)
    if not permissions.can_assign_review(actor, locked):
        if permissions.conflict_of_interest(actor, locked.submission):
            raise TransitionRefused(REFUSALS["conflict"] % {"name": actor.get_username()})
        raise TransitionRefused(_("Bạn không có quyền phân công thẩm định lĩnh vực này."))
    refusal = permissions.reviewer_refusal(actor, reviewer, locked)
    if refusal:
        raise TransitionRefused(
            REFUSALS[refusal] % {"name": reviewer.get_full_name() or reviewer.get_username()}
        )
    previous = locked.reviewer
    if previous is not None and previous.pk == reviewer.pk:
        raise TransitionInvalid(_("Chuyên viên này đã được phân công."))
    locked.reviewer = reviewer
    name = (
        "assign"
        if locked.state in (DomainReviewState.PENDING, DomainReviewState.ASSIGNED)
        else "reassign"
    )
    run(
        DomainReviewFlow,
        locked,
        name,
        actor=actor,
        comment=_("Phân công: %(name)s") % {"name": reviewer.get_username()},
        ip=ip,
    )
    if previous is not None:
        remove_perm(permissions.REVIEW_PERMISSION, previous, locked)
    assign_perm(permissions.REVIEW_PERMISSION, reviewer, locked)
    audit_record(
        kind=AuditKind.ASSIGNMENT,
        actor=actor,
        ip=ip,
        program_id=locked.submission.campaign.program_id,
        submission_id=locked.submission_id,
        obj_type="domain_review",
        obj_id=locked.pk,
        action="reviewer",
        field="reviewer",
        old_value=previous.get_username() if previous else "",
        new_value=reviewer.get_username(),
        stage="review",
    )
    return locked


@transaction.atomic
def review_complete(
    *, review: DomainReview, actor: AbstractBaseUser, override: str = "", ip: str | None = None
) -> DomainReview:
    """Complete a domain review; the submission becomes `reviewed` after its last one."""
    locked = lock(DomainReview, review.pk, *RELATED)
    locked.completion_override = override.strip()
    run(DomainReviewFlow, locked, "complete", actor=actor, comment=override, ip=ip)
    submission = locked.submission
    if not submission.reviews.exclude(state=DomainReviewState.COMPLETED).exists():
        from workflow.services.submissions import RELATED as SUBMISSION_RELATED

        locked_submission = lock(type(submission), submission.pk, *SUBMISSION_RELATED)
        if locked_submission.state == SubmissionState.UNDER_REVIEW:
            run(SubmissionFlow, locked_submission, "finish_review", actor=None, ip=ip)
    return locked
