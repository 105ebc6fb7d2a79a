"""Asking for more time and deciding it: a unit for its self-assessment deadline or a query,
a reviewer for a domain review; the secretariat grants (with a date) or refuses."""

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.models import DomainReview, ExtensionRequest, Query, Submission, SubmissionDeadline
from appraisal.models.choices import Stage
from appraisal.selectors.deadlines import stage_due
from appraisal.selectors.reviews import review_stage_due
from appraisal.workdays import today
from notifications.services import notify
from workflow.audit import audit_record
from workflow.models import AuditKind

T = ExtensionRequest.Target


def _audit(request: ExtensionRequest, action: str, actor: User | None, **fields: Any) -> None:
    audit_record(
        kind=AuditKind.TRANSITION,
        actor=actor,
        program_id=request.submission.campaign.program_id,
        submission_id=request.submission_id,
        obj_type="extension",
        obj_id=request.pk,
        action=action,
        field=request.target,
        stage=request.submission.campaign.state,
        **fields,
    )


def current_due(
    *, submission: Submission, target: str, query: Query | None, review: DomainReview | None
) -> datetime.date | None:
    if target == T.QUERY and query is not None:
        return query.due_on
    if target == T.REVIEW and review is not None:
        return review.due_on(
            review_stage_due([submission.campaign_id]).get(submission.campaign_id), today()
        )
    return stage_due(submission, Stage.SELF_ASSESSMENT)


@transaction.atomic
def extension_request(
    *,
    submission: Submission,
    target: str,
    proposed_due: datetime.date,
    reason: str,
    actor: User,
    query: Query | None = None,
    review: DomainReview | None = None,
) -> ExtensionRequest:
    if target == T.REVIEW:
        if review is None or not permissions.is_assigned_reviewer(actor, review):
            raise PermissionDenied(
                _("Chỉ chuyên viên được phân công mới đề nghị gia hạn thẩm định.")
            )
    elif not permissions.can_edit_submission(actor, submission):
        raise PermissionDenied(_("Chỉ cán bộ của đơn vị mới đề nghị gia hạn."))
    if target == T.QUERY and (query is None or query.review.submission_id != submission.pk):
        raise ValidationError(_("Yêu cầu giải trình không thuộc hồ sơ này."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Cần nêu lý do đề nghị gia hạn."))
    due = current_due(submission=submission, target=target, query=query, review=review)
    if proposed_due <= max(due or today(), today()):
        raise ValidationError(_("Ngày đề nghị phải sau hạn hiện tại và sau hôm nay."))
    pending = ExtensionRequest.objects.filter(
        submission=submission,
        target=target,
        query=query,
        review=review,
        state=ExtensionRequest.State.PENDING,
    )
    if pending.exists():
        raise ValidationError(_("Đã có đề nghị gia hạn đang chờ quyết định."))
    request = ExtensionRequest.objects.create(
        submission=submission,
        target=target,
        query=query,
        review=review,
        current_due=due,
        proposed_due=proposed_due,
        reason=reason[:2000],
        requested_by=actor,
    )
    _audit(
        request,
        "extension_request",
        actor,
        new_value=proposed_due.isoformat(),
        comment=request.reason,
    )
    return request


@transaction.atomic
def extension_decide(
    *,
    request: ExtensionRequest,
    grant: bool,
    actor: User,
    new_due: datetime.date | None = None,
    note: str = "",
) -> ExtensionRequest:
    """Grant (with the new date, the proposed one by default) or refuse, with a note."""
    request = (
        ExtensionRequest.objects.select_for_update(of=("self",))
        .select_related("submission__campaign", "query", "review", "requested_by")
        .get(pk=request.pk)
    )
    if not permissions.is_secretariat(actor, request.submission.campaign.program_id):
        raise PermissionDenied(_("Chỉ cơ quan thường trực mới quyết định gia hạn."))
    if request.state != ExtensionRequest.State.PENDING:
        raise ValidationError(_("Đề nghị này đã được quyết định."))
    note = note.strip()
    if not grant and not note:
        raise ValidationError(_("Cần nêu lý do không gia hạn."))
    if grant:
        new_due = new_due or request.proposed_due
        if new_due <= today():
            raise ValidationError(_("Ngày gia hạn phải sau hôm nay."))
        _apply(request, new_due)
        request.new_due = new_due
    request.state = ExtensionRequest.State.GRANTED if grant else ExtensionRequest.State.REFUSED
    request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note
    request.save()
    _audit(
        request,
        "extension_grant" if grant else "extension_refuse",
        actor,
        old_value=request.current_due.isoformat() if request.current_due else "",
        new_value=new_due.isoformat() if grant and new_due else "",
        comment=note,
    )

    notify(
        recipient=request.requested_by,
        kind="extension_decided",
        context={"request": request, "granted": grant},
        url_name="submission_detail",
        url_args=(request.submission_id,),
    )
    return request


def _apply(request: ExtensionRequest, new_due: datetime.date) -> None:
    if request.target == T.QUERY:
        if request.query_id is not None:
            Query.objects.filter(pk=request.query_id).update(due_on=new_due)
    elif request.target == T.REVIEW:
        if request.review_id is not None:
            DomainReview.objects.filter(pk=request.review_id).update(due_override=new_due)
    else:
        SubmissionDeadline.objects.update_or_create(
            submission=request.submission, stage=Stage.SELF_ASSESSMENT, defaults={"due_on": new_due}
        )
