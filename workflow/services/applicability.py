"""Marking an item not applicable: the unit asks, the secretariat decides (DOMAIN.md §2)."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.models import NotApplicableRequest, ScoreItem
from appraisal.models.states import SubmissionState
from workflow.audit import audit_item

Request = NotApplicableRequest


def _audit(
    item: ScoreItem,
    action: str,
    actor: User | None,
    comment: str,
    ip: str | None,
    old: str = "",
    new: str = "",
) -> None:
    audit_item(
        item,
        action=action,
        field="applicable",
        old=old,
        new=new,
        actor=actor,
        comment=comment,
        stage="self_assessment",
        ip=ip,
    )


@transaction.atomic
def na_request(
    *, item: ScoreItem, reason: str, actor: User, ip: str | None = None
) -> NotApplicableRequest:
    item = (
        ScoreItem.objects.select_related("submission__campaign", "node")
        .select_for_update(of=("self",))
        .get(pk=item.pk)
    )
    if not permissions.can_edit_submission(actor, item.submission):
        raise PermissionDenied(_("Chỉ cán bộ của đơn vị mới được đề nghị."))
    if item.submission.state != SubmissionState.DRAFT:
        raise ValidationError(_("Chỉ đề nghị khi hồ sơ đang tự chấm."))
    if not item.applicable:
        raise ValidationError(_("Tiêu chí này đã được xác định là không áp dụng."))
    if not reason.strip():
        raise ValidationError(_("Cần nêu lý do tiêu chí không áp dụng với đơn vị."))
    if item.na_requests.filter(state=Request.State.PENDING).exists():
        raise ValidationError(_("Đã có đề nghị đang chờ quyết định."))
    request = Request.objects.create(item=item, reason=reason.strip(), requested_by=actor)
    _audit(item, "na_request", actor, request.reason, ip)
    return request


@transaction.atomic
def na_decide(
    *,
    request: NotApplicableRequest,
    approve: bool,
    note: str,
    actor: User,
    ip: str | None = None,
) -> NotApplicableRequest:
    request = (
        Request.objects.select_related("item__submission__campaign", "item__node")
        .select_for_update(of=("self",))
        .get(pk=request.pk)
    )
    item = request.item
    if not permissions.is_secretariat(actor, item.submission.campaign.program_id):
        raise PermissionDenied(_("Chỉ cơ quan thường trực mới quyết định tiêu chí không áp dụng."))
    if request.state != Request.State.PENDING:
        raise ValidationError(_("Đề nghị này đã được quyết định."))
    if item.submission.state != SubmissionState.DRAFT:
        raise ValidationError(_("Hồ sơ không còn ở trạng thái tự chấm."))
    request.state = Request.State.APPROVED if approve else Request.State.REFUSED
    request.decided_by, request.decided_at, request.decision_note = (
        actor,
        timezone.now(),
        note.strip(),
    )
    request.save()
    if approve:
        # the item leaves both the score and the maximum
        old = (
            "true" if item.self_score is None else f"true; self_score {item.self_score.normalize()}"
        )
        _audit(item, "na_approve", actor, request.decision_note, ip, old=old, new="false")
        ScoreItem.objects.filter(pk=item.pk).update(
            applicable=False, self_score=None, version=item.version + 1
        )
    else:
        _audit(item, "na_refuse", actor, request.decision_note, ip)
    return request
