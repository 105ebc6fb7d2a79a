"""Every change of a score goes through here and leaves an audit row (field, old, new,
actor, reason, stage)."""

from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.imports.frameworks.spec import fmt_decimal
from appraisal.models import DomainReview, ItemNote, ScoreItem
from appraisal.models.choices import ScoringMethod, ScoringMode
from appraisal.models.states import DomainReviewState, SubmissionState
from appraisal.scoring import parse_entry, shown
from workflow.audit import audit_item
from workflow.models import AuditKind
from workflow.services.base import ReasonNeeded, TransitionInvalid, TransitionRefused

RELATED = ("submission", "submission__campaign", "node")


def _lock_item(item: ScoreItem) -> ScoreItem:
    return (
        ScoreItem.objects.select_related(*RELATED).select_for_update(of=("self",)).get(pk=item.pk)
    )


def _check_value(item: ScoreItem, value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationError(_("Điểm phải là một số.")) from exc
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise ValidationError(_("Điểm có tối đa hai chữ số thập phân."))
    low, high = (
        (-item.max_points, Decimal(0)) if item.is_deduction else (Decimal(0), item.max_points)
    )
    if not low <= value <= high:
        raise ValidationError(
            _("Điểm phải trong khoảng %(low)s đến %(high)s.")
            % {"low": shown(low), "high": shown(high)}
        )
    return value + Decimal(0)


def _audit(
    item: ScoreItem,
    field: str,
    old: Decimal | None,
    new: Decimal | None,
    *,
    actor: User | None,
    reason: str,
    stage: str,
    ip: str | None,
    internal: bool = False,
) -> None:
    audit_item(
        item,
        action=field,
        field=field,
        old="" if old is None else fmt_decimal(old),
        new="" if new is None else fmt_decimal(new),
        actor=actor,
        comment=reason,
        stage=stage,
        ip=ip,
        internal=internal,
    )


class VersionConflict(ValidationError):
    """Someone else saved the item since this person loaded it: nothing was overwritten."""

    def __init__(self, item: ScoreItem):
        self.item = item
        score = "—" if item.self_score is None else fmt_decimal(item.self_score)
        super().__init__(
            _(
                "Tiêu chí %(code)s vừa được người khác cập nhật (điểm hiện tại: %(score)s). Hãy xem lại rồi lưu lại."
            )
            % {"code": item.node.code, "score": score}
        )


@transaction.atomic
def score_set_self(
    *,
    item: ScoreItem,
    actor: User,
    value: Decimal | None = None,
    explanation: str | None = None,
    entry: dict[str, str] | None = None,
    expected_version: int | None = None,
    ip: str | None = None,
) -> ScoreItem:
    """The unit scores an item of its draft and explains it. `entry` is what the workspace
    form sent (checked against the item's scoring method); `value` a score given directly.
    With `expected_version`, a save over someone else's newer save is refused."""
    item = _lock_item(item)
    if not permissions.can_edit_submission(actor, item.submission):
        raise TransitionRefused(_("Chỉ cán bộ của đơn vị mới được tự chấm điểm."))
    if item.submission.state != SubmissionState.DRAFT:
        raise TransitionInvalid(_("Chỉ chấm điểm khi hồ sơ đang tự chấm."))
    if item.scoring_mode != ScoringMode.SELF:
        raise ValidationError(_("Tiêu chí này không do đơn vị tự chấm."))
    if (
        expected_version is not None
        and expected_version != item.version
        and item.last_editor_id != actor.pk
    ):
        raise VersionConflict(item)
    numerator, denominator = item.ratio_numerator, item.ratio_denominator
    if entry is not None:
        parsed = parse_entry(
            method=item.node.scoring_method,
            params=item.node.method_params,
            maximum=item.max_points,
            data=entry,
        )
        value, numerator, denominator = parsed.score, parsed.numerator, parsed.denominator
    else:
        value = _check_value(item, value)
        if value is not None and item.node.scoring_method == ScoringMethod.CHOICE:
            parse_entry(
                method=ScoringMethod.CHOICE,
                params=item.node.method_params,
                maximum=item.max_points,
                data={"score": value},
            )
    changed = False
    if value != item.self_score:
        _audit(
            item,
            "self_score",
            item.self_score,
            value,
            actor=actor,
            reason="",
            stage="self_assessment",
            ip=ip,
        )
        item.self_score, changed = value, True
    if (numerator, denominator) != (item.ratio_numerator, item.ratio_denominator):
        item.ratio_numerator, item.ratio_denominator, changed = numerator, denominator, True
    if explanation is not None and explanation.strip() != item.explanation:
        item.explanation, changed = explanation.strip(), True
    if changed:
        item.version += 1
        item.last_editor = actor
        item.save(
            update_fields=[
                "self_score",
                "ratio_numerator",
                "ratio_denominator",
                "explanation",
                "version",
                "last_editor",
                "updated_at",
            ]
        )
    return item


@transaction.atomic
def score_propose(
    *,
    item: ScoreItem,
    actor: User,
    value: Decimal | None,
    reason: str = "",
    ip: str | None = None,
) -> ScoreItem:
    """The assigned reviewer proposes a score; a reason is required when it differs from the
    unit's own."""
    item = _lock_item(item)
    review = DomainReview.objects.select_related("submission", "submission__campaign").get(
        submission_id=item.submission_id, domain_id=item.domain_id
    )
    if not permissions.is_assigned_reviewer(actor, review):
        raise TransitionRefused(_("Chỉ chuyên viên được phân công mới đề xuất điểm lĩnh vực này."))
    if review.state not in (DomainReviewState.IN_PROGRESS, DomainReviewState.AWAITING_UNIT):
        raise TransitionInvalid(_("Lĩnh vực không ở trạng thái đang thẩm định."))
    return _set_judged_score(
        item,
        "review_score",
        value,
        reason,
        compared_to=item.self_score,
        actor=actor,
        stage="review",
        ip=ip,
        missing_reason=_("Cần nêu lý do khi điểm đề xuất khác điểm tự đánh giá."),
    )


@transaction.atomic
def score_finalise(
    *,
    item: ScoreItem,
    actor: User,
    value: Decimal | None,
    reason: str = "",
    ip: str | None = None,
) -> ScoreItem:
    """The council fixes the final score; a reason is required when it differs from the
    proposal."""
    item = _lock_item(item)
    if not permissions.is_council_member_for(actor, item.submission):
        raise TransitionRefused(_("Chỉ thành viên Hội đồng (không thuộc đơn vị) mới chốt điểm."))
    if item.submission.state != SubmissionState.IN_COUNCIL:
        raise TransitionInvalid(_("Hồ sơ không ở giai đoạn Hội đồng."))
    return _set_judged_score(
        item,
        "final_score",
        value,
        reason,
        compared_to=item.review_score if item.review_score is not None else item.self_score,
        actor=actor,
        stage="council",
        ip=ip,
        missing_reason=_("Cần nêu lý do khi điểm chốt khác điểm đề xuất."),
    )


def _set_judged_score(
    item: ScoreItem,
    field: str,
    value: Decimal | None,
    reason: str,
    *,
    compared_to: Decimal | None,
    actor: User | None,
    stage: str,
    ip: str | None,
    missing_reason: str,
) -> ScoreItem:
    """Set a reviewer's or the council's score: a reason when it departs from the score
    before it, and an audit row when it or its reason changes. The unit learns these with
    its result sheet at publication, so their audit rows are internal until then."""
    if value is None:
        raise ValidationError(_("Cần nhập điểm."))
    value = _check_value(item, value)
    reason = reason.strip()
    if len(reason) > 4000:
        raise ValidationError(_("Lý do dài quá 4000 ký tự."))
    # only a real difference needs a reason: nothing to differ from (a centrally scored item
    # has no self score) needs none
    if compared_to is not None and value != compared_to and not reason:
        raise ReasonNeeded(missing_reason)
    reason_field = REASON_FIELDS[field]
    if value != getattr(item, field) or reason != getattr(item, reason_field):
        _audit(
            item,
            field,
            getattr(item, field),
            value,
            actor=actor,
            reason=reason,
            stage=stage,
            ip=ip,
            internal=True,
        )
        setattr(item, field, value)
        setattr(item, reason_field, reason)
        item.version += 1
        item.save(update_fields=[field, reason_field, "version", "updated_at"])
    return item


REASON_FIELDS = {"review_score": "review_reason", "final_score": "final_reason"}


@transaction.atomic
def item_note_set(
    *, item: ScoreItem, text: str, actor: User, ip: str | None = None
) -> ItemNote | None:
    """Write (or clear, with empty text) the internal note of an item. Never shown to the
    unit: its audit row is internal too."""
    item = _lock_item(item)
    if not permissions.can_write_internal_note(actor, item):
        raise TransitionRefused(_("Bạn không được ghi chú nội bộ cho tiêu chí này."))
    text = text.strip()
    if len(text) > 4000:
        raise ValidationError(_("Ghi chú dài quá 4000 ký tự."))
    note = ItemNote.objects.filter(item=item).first()
    old = note.text if note else ""
    if text == old:
        return note
    if not text and note is not None:
        note.delete()
        note = None
    elif note is None:
        note = ItemNote.objects.create(item=item, text=text, updated_by=actor)
    else:
        note.text, note.updated_by = text, actor
        note.save(update_fields=["text", "updated_by", "updated_at"])
    audit_item(
        item,
        action="internal_note",
        field="internal_note",
        old=old,
        new=text,
        actor=actor,
        comment="",
        stage=item.submission.campaign.state,
        ip=ip,
        internal=True,
        kind=AuditKind.NOTE,
    )
    return note
