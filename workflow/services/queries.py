"""Queries to units (yêu cầu giải trình, bổ sung): raised by the reviewer, answered by the
unit with text and new evidence, closed or followed up. While any query of a domain review
waits on the unit, that review's clock is paused."""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.models import DomainReview, Query, QueryMessage, ScoreItem
from appraisal.models.choices import Role
from appraisal.models.states import DomainReviewState, QueryState
from appraisal.selectors.roles import role_holders
from appraisal.workdays import add_working_days, today
from documents.services import evidence_add_to_answer, evidence_freeze
from notifications.services import notify_many
from workflow.audit import audit_record
from workflow.flows import DomainReviewFlow, QueryFlow
from workflow.models import AuditKind
from workflow.services.base import TransitionInvalid, TransitionRefused, lock, run

RELATED = (
    "review",
    "review__domain",
    "review__reviewer",
    "review__submission",
    "review__submission__campaign",
    "review__submission__unit",
)
MAX_TEXT = 4000


def default_due_on(review: DomainReview) -> datetime.date:
    """The campaign's answer time, in working days from today."""
    return add_working_days(today(), review.submission.campaign.query_days)


def _sync_review_clock(review: DomainReview, *, ip: str | None) -> None:
    """The review waits on the unit while any of its queries is open (the system moves it)."""
    review = lock(DomainReview, review.pk, "submission", "submission__campaign")
    waiting = review.queries.filter(state=QueryState.OPEN).exists()
    if waiting and review.state == DomainReviewState.IN_PROGRESS:
        run(DomainReviewFlow, review, "await_unit", actor=None, ip=ip)
    elif not waiting and review.state == DomainReviewState.AWAITING_UNIT:
        run(DomainReviewFlow, review, "resume", actor=None, ip=ip)


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message)
    if len(value) > MAX_TEXT:
        raise ValidationError(
            _("Nội dung dài quá %(n)s ký tự, hãy rút gọn hoặc gửi kèm tài liệu.") % {"n": MAX_TEXT}
        )
    return value


def _check_due(due_on: datetime.date | None, review: DomainReview) -> datetime.date:
    if due_on is None:
        return default_due_on(review)
    if due_on < today():
        raise ValidationError(_("Hạn trả lời không được trước ngày hôm nay."))
    return due_on


@transaction.atomic
def query_raise(
    *,
    review: DomainReview,
    items: Iterable[ScoreItem],
    question: str,
    actor: User,
    due_on: datetime.date | None = None,
    ip: str | None = None,
) -> Query:
    """The reviewer asks the unit to explain or add evidence on one or more items. Without
    a date, the answer is due after the campaign's number of working days."""
    review = lock(DomainReview, review.pk, "submission", "submission__campaign")
    if not permissions.is_assigned_reviewer(actor, review):
        raise TransitionRefused(_("Chỉ chuyên viên được phân công mới gửi yêu cầu giải trình."))
    if review.state not in (DomainReviewState.IN_PROGRESS, DomainReviewState.AWAITING_UNIT):
        raise TransitionInvalid(_("Chỉ gửi yêu cầu khi lĩnh vực đang được thẩm định."))
    items = list(items)
    question = _text(question, _("Cần nhập nội dung yêu cầu."))
    if not items or any(
        i.submission_id != review.submission_id or i.domain_id != review.domain_id for i in items
    ):
        raise ValidationError(_("Chọn các tiêu chí thuộc lĩnh vực đang thẩm định."))
    due_on = _check_due(due_on, review)
    query = Query.objects.create(review=review, question=question, due_on=due_on, raised_by=actor)
    query.items.set(items)
    QueryMessage.objects.create(
        query=query, kind=QueryMessage.Kind.QUESTION, text=question, author=actor
    )
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
        comment=question,
        new_value=due_on.isoformat(),
        stage="review",
    )
    _sync_review_clock(review, ip=ip)
    _tell(query, "query_raised", to_unit=True)
    return query


def _tell(query: Query, kind: str, *, to_unit: bool) -> None:
    submission = query.review.submission
    title = f"{submission.unit.name_vi} — {query.review.domain.code}: {query.question[:80]}"
    if to_unit:
        users = role_holders(
            submission.campaign.program_id, [Role.FOCAL_POINT, Role.LEADER], submission.unit_id
        )
    else:
        users = [query.review.reviewer] if query.review.reviewer else []
    notify_many(users, kind=kind, title=title, url_name="query_detail", url_args=(query.pk,))


@transaction.atomic
def query_answer(
    *,
    query: Query,
    answer: str,
    actor: User,
    uploads: "Sequence[UploadedFile[Any]]" = (),
    ip: str | None = None,
) -> Query:
    """The unit answers with text and, if it has them, new evidence: each file goes into the
    evidence locker, bound to the query's items, and the submission's manifest is renewed.
    All or nothing: a refused file leaves the query unanswered."""
    locked = lock(Query, query.pk, *RELATED)
    locked.answer = _text(answer, _("Cần nhập nội dung trả lời."))
    locked.answered_by = actor
    run(QueryFlow, locked, "answer", actor=actor, comment=locked.answer, ip=ip)
    QueryMessage.objects.create(
        query=locked, kind=QueryMessage.Kind.ANSWER, text=locked.answer, author=actor
    )
    if uploads:
        items = list(locked.items.select_related("node"))
        stored = []
        try:
            for upload in uploads:
                document = evidence_add_to_answer(
                    query=locked, items=items, upload=upload, actor=actor, ip=ip
                )
                if document.current is not None:
                    stored.append(document.current.file)
        except Exception:
            for file in stored:  # the rows roll back; the files must not stay behind
                if file.name:
                    file.storage.delete(file.name)
            raise
        evidence_freeze(submission=locked.review.submission)
    _sync_review_clock(locked.review, ip=ip)
    _tell(locked, "query_answered", to_unit=False)
    return locked


@transaction.atomic
def query_close(
    *,
    query: Query,
    accepted: bool,
    note: str,
    actor: User,
    ip: str | None = None,
) -> Query:
    """The reviewer closes the query: the explanation is accepted or not (then with why)."""
    locked = lock(Query, query.pk, *RELATED)
    note = (note or "").strip()
    if not accepted and not note:
        raise ValidationError(_("Cần ghi rõ lý do khi không chấp nhận giải trình."))
    if len(note) > MAX_TEXT:
        raise ValidationError(_("Ghi chú dài quá %(n)s ký tự.") % {"n": MAX_TEXT})
    locked.accepted, locked.close_note = accepted, note
    verdict = _("Chấp nhận giải trình") if accepted else _("Không chấp nhận giải trình")
    comment = f"{verdict}. {note}".strip() if note else str(verdict)
    run(QueryFlow, locked, "close", actor=actor, comment=comment, ip=ip)
    QueryMessage.objects.create(
        query=locked, kind=QueryMessage.Kind.CLOSE, text=comment, author=actor
    )
    _sync_review_clock(locked.review, ip=ip)
    _tell(locked, "query_closed", to_unit=True)
    return locked


@transaction.atomic
def query_reopen(
    *,
    query: Query,
    note: str,
    actor: User,
    due_on: datetime.date | None = None,
    ip: str | None = None,
) -> Query:
    """The reviewer follows up: the query waits on the unit again, with a new deadline."""
    locked = lock(Query, query.pk, *RELATED)
    if locked.review.state not in (DomainReviewState.IN_PROGRESS, DomainReviewState.AWAITING_UNIT):
        raise TransitionInvalid(_("Lĩnh vực đã thẩm định xong: không thể yêu cầu tiếp."))
    note = _text(note, _("Cần nêu nội dung yêu cầu tiếp."))
    locked.accepted = None
    locked.due_on = _check_due(due_on, locked.review)
    run(QueryFlow, locked, "reopen", actor=actor, comment=note, ip=ip)
    QueryMessage.objects.create(
        query=locked, kind=QueryMessage.Kind.FOLLOW_UP, text=note, author=actor
    )
    _sync_review_clock(locked.review, ip=ip)
    return locked
