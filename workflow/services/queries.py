import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.models import DomainReview, Query, ScoreItem
from workflow.audit import audit_record
from workflow.flows import DomainReviewFlow, QueryFlow
from workflow.models import AuditKind
from workflow.services.base import TransitionInvalid, TransitionRefused, lock, run
from workflow.states import DomainReviewState, QueryState

RELATED = ("review", "review__submission", "review__submission__campaign")


def _sync_review_clock(review: DomainReview, *, ip: str | None) -> None:
    """The review waits on the unit while any of its queries is open (the system moves it)."""
    review = lock(DomainReview, review.pk, "submission", "submission__campaign")
    waiting = review.queries.filter(state=QueryState.OPEN).exists()
    if waiting and review.state == DomainReviewState.IN_PROGRESS:
        run(DomainReviewFlow, review, "await_unit", actor=None, ip=ip)
    elif not waiting and review.state == DomainReviewState.AWAITING_UNIT:
        run(DomainReviewFlow, review, "resume", actor=None, ip=ip)


@transaction.atomic
def query_raise(
    *,
    review: DomainReview,
    items: Iterable[ScoreItem],
    question: str,
    due_on: datetime.date,
    actor: AbstractBaseUser,
    ip: str | None = None,
) -> Query:
    """The reviewer asks the unit to explain or add evidence on one or more items."""
    review = lock(DomainReview, review.pk, "submission", "submission__campaign")
    if not permissions.is_assigned_reviewer(actor, review):
        raise TransitionRefused(_("Chỉ chuyên viên được phân công mới gửi yêu cầu giải trình."))
    if review.state not in (DomainReviewState.IN_PROGRESS, DomainReviewState.AWAITING_UNIT):
        raise TransitionInvalid(_("Chỉ gửi yêu cầu khi lĩnh vực đang được thẩm định."))
    items = list(items)
    if not question.strip():
        raise ValidationError(_("Cần nhập nội dung yêu cầu."))
    if not items or any(
        i.submission_id != review.submission_id or i.domain_id != review.domain_id for i in items
    ):
        raise ValidationError(_("Chọn các tiêu chí thuộc lĩnh vực đang thẩm định."))
    query = Query.objects.create(
        review=review, question=question.strip(), due_on=due_on, raised_by=actor
    )
    query.items.set(items)
    audit_record(
        kind=AuditKind.TRANSITION,
        actor=actor,
        ip=ip,
        program_id=review.submission.campaign.program_id,
        submission_id=review.submission_id,
        obj_type="query",
        obj_id=query.pk,
        action="raise",
        to_state=QueryState.OPEN,
        comment=query.question,
        stage="review",
    )
    _sync_review_clock(review, ip=ip)
    return query


@transaction.atomic
def query_answer(
    *, query: Query, answer: str, actor: AbstractBaseUser, ip: str | None = None
) -> Query:
    locked = lock(Query, query.pk, *RELATED)
    locked.answer = answer.strip()
    run(QueryFlow, locked, "answer", actor=actor, comment=locked.answer, ip=ip)
    _sync_review_clock(locked.review, ip=ip)
    return locked


@transaction.atomic
def query_close(
    *, query: Query, accepted: bool, note: str, actor: AbstractBaseUser, ip: str | None = None
) -> Query:
    locked = lock(Query, query.pk, *RELATED)
    locked.accepted, locked.close_note = accepted, note.strip()
    run(QueryFlow, locked, "close", actor=actor, comment=locked.close_note, ip=ip)
    _sync_review_clock(locked.review, ip=ip)
    return locked


@transaction.atomic
def query_reopen(
    *, query: Query, note: str, actor: AbstractBaseUser, ip: str | None = None
) -> Query:
    if not note.strip():
        raise ValidationError(_("Cần nêu nội dung yêu cầu tiếp."))
    locked = lock(Query, query.pk, *RELATED)
    locked.accepted = None
    run(QueryFlow, locked, "reopen", actor=actor, comment=note.strip(), ip=ip)
    _sync_review_clock(locked.review, ip=ip)
    return locked
