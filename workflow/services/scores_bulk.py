"""Many scores at once: the council takes the reviewers' proposals, a reviewer agrees with the
unit's own scores, a unit applies its filled spreadsheet."""

from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.imports.frameworks.spec import fmt_decimal
from appraisal.imports.submission_xlsx import import_changes
from appraisal.models import DomainReview, ScoreItem, Submission
from appraisal.models.choices import ScoringMode
from appraisal.models.states import DomainReviewState, SubmissionState
from workflow.audit import AuditRow, audit_records
from workflow.models import AuditKind
from workflow.services.base import TransitionInvalid, TransitionRefused
from workflow.services.scores import REASON_FIELDS, score_set_self


@transaction.atomic
def scores_finalise_from_proposals(
    *, submission: Submission, actor: User, ip: str | None = None
) -> int:
    """The council takes the reviewers' proposals as final scores for every item it has not
    fixed yet (a final score equal to the proposal needs no reason). One audit row each."""

    locked = (
        type(submission)
        .objects.select_related("campaign")
        .select_for_update(of=("self",))
        .get(pk=submission.pk)
    )
    if not permissions.is_council_member_for(actor, locked):
        raise TransitionRefused(_("Chỉ thành viên Hội đồng (không thuộc đơn vị) mới chốt điểm."))
    if locked.state != SubmissionState.IN_COUNCIL:
        raise TransitionInvalid(_("Hồ sơ không ở giai đoạn Hội đồng."))
    items = list(
        ScoreItem.objects.select_related("node")
        .select_for_update(of=("self",))
        .filter(
            submission=locked, applicable=True, final_score__isnull=True, review_score__isnull=False
        )
        .exclude(scoring_mode=ScoringMode.SURVEY)
    )
    _judge_in_bulk(
        items,
        "final_score",
        lambda item: item.review_score,
        actor=actor,
        ip=ip,
        submission=locked,
        comment=_("Theo điểm đề xuất"),
        stage="council",
    )
    return len(items)


@transaction.atomic
def scores_agree_with_self(*, review: DomainReview, actor: User, ip: str | None = None) -> int:
    """The assigned reviewer agrees with the unit's own score on every item of the domain
    they have not proposed a score for yet (no reason is needed when the scores are equal).
    One audit row per item; the items already proposed are left as they are."""

    review = (
        DomainReview.objects.select_related("submission", "submission__campaign")
        .select_for_update(of=("self",))
        .get(pk=review.pk)
    )
    if not permissions.is_assigned_reviewer(actor, review):
        raise TransitionRefused(_("Chỉ chuyên viên được phân công mới đề xuất điểm lĩnh vực này."))
    if review.state not in (DomainReviewState.IN_PROGRESS, DomainReviewState.AWAITING_UNIT):
        raise TransitionInvalid(_("Lĩnh vực không ở trạng thái đang thẩm định."))
    items = list(
        ScoreItem.objects.select_related("node")
        .select_for_update(of=("self",))
        .filter(
            submission_id=review.submission_id,
            domain_id=review.domain_id,
            applicable=True,
            review_score__isnull=True,
            self_score__isnull=False,
        )
        .exclude(scoring_mode=ScoringMode.SURVEY)
        .order_by("position")
    )
    _judge_in_bulk(
        items,
        "review_score",
        lambda item: item.self_score,
        actor=actor,
        ip=ip,
        submission=review.submission,
        comment=_("Đồng ý với điểm tự đánh giá"),
        stage="review",
    )
    return len(items)


def _judge_in_bulk(
    items: list[ScoreItem],
    field: str,
    value_of: Callable[[ScoreItem], Decimal | None],
    *,
    actor: User,
    ip: str | None,
    submission: Submission,
    comment: str,
    stage: str,
) -> None:
    """Set a reviewer's or the council's score on many items at once, each equal to the score
    before it (so with no reason): one bulk update, and one internal audit row per item under
    one lock of the chain."""
    reason_field = REASON_FIELDS[field]
    for item in items:
        setattr(item, field, value_of(item))
        setattr(item, reason_field, "")
        item.version += 1
    ScoreItem.objects.bulk_update(items, [field, reason_field, "version"])
    audit_records(
        [
            AuditRow(
                kind=AuditKind.SCORE,
                actor=actor,
                ip=ip,
                program_id=submission.campaign.program_id,
                submission_id=submission.pk,
                obj_type="score_item",
                obj_id=item.pk,
                action=field,
                field=f"{item.node.code}.{field}",
                new_value=fmt_decimal(getattr(item, field)),
                comment=comment,
                stage=stage,
                internal=True,
            )
            for item in items
        ]
    )


@transaction.atomic
def import_submission(
    *, submission: Submission, data: bytes, actor: User, ip: str | None = None
) -> int:
    """Apply a filled template: all rows or none, only the rows that change something.
    Returns how many items changed."""
    changed = 0
    for change in import_changes(submission, data):
        before = change.item.version
        # no entry: the score stays as it is and only the explanation changes
        score = (
            {"entry": change.entry}
            if change.entry is not None
            else {"value": change.item.self_score}
        )
        updated = score_set_self(
            item=change.item, actor=actor, explanation=change.explanation, ip=ip, **score
        )
        changed += updated.version != before
    return changed
