"""Domain reviews: routing, assignment (one or many at once), completion, reopening,
reminders."""

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.models import DomainReview, QueryMessage
from appraisal.models.choices import Role
from appraisal.models.states import DomainReviewState, QueryState, SubmissionState
from appraisal.selectors.roles import RoleHolders
from notifications.services import notify
from workflow.audit import audit_records
from workflow.flows import DomainReviewFlow, QueryFlow, SubmissionFlow
from workflow.models import AuditKind
from workflow.services.base import (
    REVIEW_RELATED,
    SUBMISSION_RELATED,
    TransitionInvalid,
    TransitionRefused,
    lock,
    run,
    run_locked,
)
from workflow.services.review_labels import person_name, review_audit_row, review_label
from workflow.services.submissions import after_move, submission_reopen_review


def _transition(
    review: DomainReview, name: str, *, actor: User | None, comment: str, ip: str | None
) -> DomainReview:
    return run_locked(
        DomainReviewFlow, review, name, *REVIEW_RELATED, actor=actor, comment=comment, ip=ip
    )


@transaction.atomic
def review_start(
    *,
    review: DomainReview,
    actor: User | None,
    comment: str = "",
    ip: str | None = None,
) -> DomainReview:
    """The assigned reviewer starts the review."""
    return _transition(review, "start", actor=actor, comment=comment, ip=ip)


@transaction.atomic
def review_await_unit(
    *,
    review: DomainReview,
    actor: User | None,
    comment: str = "",
    ip: str | None = None,
) -> DomainReview:
    """A query waits on the unit: the review's clock pauses."""
    return _transition(review, "await_unit", actor=actor, comment=comment, ip=ip)


@transaction.atomic
def review_resume(
    *,
    review: DomainReview,
    actor: User | None,
    comment: str = "",
    ip: str | None = None,
) -> DomainReview:
    """No query waits on the unit any more: the review's clock runs again."""
    return _transition(review, "resume", actor=actor, comment=comment, ip=ip)


@transaction.atomic
def review_reopen(
    *,
    review: DomainReview,
    actor: User | None,
    comment: str = "",
    ip: str | None = None,
) -> DomainReview:
    """Reopen one completed domain review, with a reason. A report already `reviewed` goes
    back under review with it; once before the council, only the council sends domains back
    (`submission_send_back_to_review`)."""
    submission = review.submission
    submission.refresh_from_db(fields=["state"])
    if submission.state == SubmissionState.REVIEWED:
        submission_reopen_review(
            submission=submission, domains=[review.domain], actor=actor, comment=comment, ip=ip
        )
        return lock(DomainReview, review.pk, *REVIEW_RELATED)
    if submission.state != SubmissionState.UNDER_REVIEW:
        raise TransitionInvalid(
            _("Hồ sơ đã trình Hội đồng: chỉ Hội đồng trả lĩnh vực về thẩm định lại.")
        )
    locked = lock(DomainReview, review.pk, *REVIEW_RELATED)
    run(DomainReviewFlow, locked, "reopen", actor=actor, comment=comment, ip=ip)
    return locked


@transaction.atomic
def review_complete(
    *, review: DomainReview, actor: User, override: str = "", ip: str | None = None
) -> DomainReview:
    """Complete a domain review; the submission becomes `reviewed` after its last one.

    With queries still open, the reviewer must say why (`override`): the reason is recorded
    and the queries are closed with it, so that the unit is not left answering them."""
    locked = lock(DomainReview, review.pk, *REVIEW_RELATED)
    locked.completion_override = override.strip()
    run(DomainReviewFlow, locked, "complete", actor=actor, comment=override.strip(), ip=ip)
    leftover = locked.queries.exclude(state=QueryState.CLOSED).select_for_update(of=("self",))
    for query in leftover.select_related("review__submission__campaign"):
        query.close_note = locked.completion_override
        run(QueryFlow, query, "close", actor=actor, comment=locked.completion_override, ip=ip)
        QueryMessage.objects.create(
            query=query,
            kind=QueryMessage.Kind.CLOSE,
            text=locked.completion_override,
            author=actor,
        )
    submission = locked.submission
    if not submission.reviews.exclude(state=DomainReviewState.COMPLETED).exists():
        locked_submission = lock(type(submission), submission.pk, *SUBMISSION_RELATED)
        if locked_submission.state == SubmissionState.UNDER_REVIEW:
            run(SubmissionFlow, locked_submission, "finish_review", actor=None, ip=ip)
            after_move(locked_submission, "finish_review")
    return locked


@transaction.atomic
def reviews_remind(*, reviews: Sequence[DomainReview], actor: User, ip: str | None = None) -> int:
    """The secretariat reminds whoever the open reviews wait on: the reviewer, or the
    ministry's coordinators while no one is assigned. Returns how many people were told."""
    ids = [review.pk for review in reviews]
    rows = list(
        DomainReview.objects.select_related(*REVIEW_RELATED, "reviewer")
        .filter(pk__in=ids)
        .exclude(state=DomainReviewState.COMPLETED)
    )
    if not rows:
        raise ValidationError(_("Không có lĩnh vực nào đang chờ thẩm định trong lựa chọn."))
    for review in rows:
        if not permissions.is_secretariat(actor, review.submission.campaign.program_id):
            raise TransitionRefused(_("Chỉ Thư ký Hội đồng mới gửi nhắc việc."))
    coordinators = RoleHolders(
        [Role.COORDINATOR], program_ids={r.submission.campaign.program_id for r in rows}
    )
    waiting: dict[int, list[DomainReview]] = {}
    users: dict[int, User] = {}
    for review in rows:
        people = (
            [review.reviewer]
            if review.reviewer
            else coordinators(
                review.submission.campaign.program_id, [Role.COORDINATOR], review.organisation_id
            )
        )
        for user in people:
            users[user.pk] = user
            waiting.setdefault(user.pk, []).append(review)
    for user_id, theirs in waiting.items():
        notify(
            recipient=users[user_id],
            kind="review_reminder",
            context={"reviews": [review_label(r) for r in theirs], "sender": person_name(actor)},
            url_name="review_list",
        )
    audit_records(
        [
            review_audit_row(
                review, AuditKind.REMINDER, "remind", actor=actor, ip=ip, internal=True
            )
            for review in rows
        ]
    )
    return len(waiting)
