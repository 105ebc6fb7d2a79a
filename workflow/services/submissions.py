from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal.models import DomainReview, FrameworkNode, Submission
from appraisal.models.choices import NodeKind
from workflow.flows import SubmissionFlow
from workflow.services.base import lock, run, transition_service

RELATED = ("campaign", "campaign__program", "unit")


def _transition(name: str):
    return transition_service(SubmissionFlow, Submission, name, *RELATED)


submission_send_for_approval = _transition("send_for_approval")
submission_return_to_draft = _transition("return_to_draft")
submission_withdraw = _transition("withdraw")
submission_return_incomplete = _transition("return_incomplete")
submission_finish_review = _transition("finish_review")
submission_send_to_council = _transition("send_to_council")
submission_appraise = _transition("appraise")
submission_publish = _transition("publish")


@transaction.atomic
def submission_approve(
    *,
    submission: Submission,
    actor: AbstractBaseUser | None,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """The leader submits the report: its evidence is frozen in a manifest of hashes."""
    from documents.services import evidence_freeze

    locked = lock(Submission, submission.pk, *RELATED)
    run(SubmissionFlow, locked, "approve", actor=actor, comment=comment, ip=ip)
    evidence_freeze(submission=locked)
    return locked


@transaction.atomic
def submission_start_review(
    *,
    submission: Submission,
    actor: AbstractBaseUser | None,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """Start the review: one domain review per domain, routed to the organisation that
    reviews the domain in this campaign (the secretariat's mapping, else the framework's)."""
    from appraisal.review_selectors import routing_map

    locked = lock(Submission, submission.pk, *RELATED)
    routes = routing_map(locked.campaign)
    domains = FrameworkNode.objects.filter(
        framework_id=locked.framework_id, kind=NodeKind.DOMAIN
    ).order_by("position")
    run(SubmissionFlow, locked, "start_review", actor=actor, comment=comment, ip=ip)
    unrouted = [domain.code for domain in domains if not routes.get(domain.pk)]
    if unrouted:
        raise ValidationError(
            _("Chưa có cơ quan thẩm định cho lĩnh vực %(codes)s: cần phân công trước.")
            % {"codes": ", ".join(unrouted)}
        )
    existing = set(locked.reviews.values_list("domain_id", flat=True))
    DomainReview.objects.bulk_create(
        [
            DomainReview(submission=locked, domain=domain, organisation_id=routes[domain.pk])
            for domain in domains
            if domain.pk not in existing
        ]
    )
    return locked


@transaction.atomic
def submission_send_back_to_review(
    *,
    submission: Submission,
    domains: Iterable[FrameworkNode],
    actor: AbstractBaseUser | None,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """The council sends the named domains back to their reviewers, with its reason."""
    return _reopen_domains(
        "send_back_to_review", submission, domains, actor=actor, comment=comment, ip=ip
    )


@transaction.atomic
def submission_reopen_review(
    *,
    submission: Submission,
    domains: Iterable[FrameworkNode],
    actor: AbstractBaseUser | None,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """The secretariat reopens named domains of a reviewed report, before the council."""
    return _reopen_domains(
        "reopen_review", submission, domains, actor=actor, comment=comment, ip=ip
    )


def _reopen_domains(
    transition: str,
    submission: Submission,
    domains: Iterable[FrameworkNode],
    *,
    actor: AbstractBaseUser | None,
    comment: str,
    ip: str | None,
) -> Submission:
    """Move the report back under review, then reopen each named domain's review."""
    from workflow.flows import DomainReviewFlow
    from workflow.services.reviews import RELATED as REVIEW_RELATED

    domain_ids = {domain.pk for domain in domains}
    if not domain_ids:
        raise ValidationError(_("Chọn ít nhất một lĩnh vực để thẩm định lại."))
    locked = lock(Submission, submission.pk, *RELATED)
    run(SubmissionFlow, locked, transition, actor=actor, comment=comment, ip=ip)
    reviews = DomainReview.objects.filter(submission=locked, domain_id__in=domain_ids)
    for review in reviews.select_related(*REVIEW_RELATED).select_for_update(of=("self",)):
        run(DomainReviewFlow, review, "reopen", actor=actor, comment=comment, ip=ip)
    return locked


@transaction.atomic
def submission_reopen_self_assessment(
    *,
    submission: Submission,
    due_on,
    actor: AbstractBaseUser,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """The secretariat reopens one unit's self-assessment with a new deadline of its own,
    whatever stage the campaign is in: a submitted report (not yet under review) goes back to
    draft, and the unit may send it again until `due_on`. Audited with the reason; the unit
    is told."""
    from appraisal import permissions
    from appraisal.models import SubmissionDeadline
    from appraisal.models.choices import Role, Stage
    from appraisal.workdays import today
    from notifications.services import notify_many, people
    from workflow.audit import audit_record
    from workflow.models import AuditKind
    from workflow.services.base import TransitionInvalid, TransitionRefused
    from workflow.states import SubmissionState

    locked = lock(Submission, submission.pk, *RELATED)
    program_id = locked.campaign.program_id
    if not permissions.is_secretariat(actor, program_id):
        raise TransitionRefused(_("Chỉ Cơ quan thường trực mở lại tự đánh giá cho đơn vị."))
    if not permissions.can_reopen_self_assessment(actor, locked):
        raise TransitionInvalid(
            _(
                "Hồ sơ đã chuyển sang thẩm định hoặc đợt đánh giá đã kết thúc: không mở lại tự đánh giá được."
            )
        )
    if not comment.strip():
        raise TransitionInvalid(_("Cần nêu lý do."))
    if due_on is None or due_on < today():
        raise TransitionInvalid(_("Hạn mới phải từ hôm nay trở đi."))
    if locked.state == SubmissionState.SUBMITTED:
        run(SubmissionFlow, locked, "return_incomplete", actor=actor, comment=comment, ip=ip)
    own = SubmissionDeadline.objects.filter(submission=locked, stage=Stage.SELF_ASSESSMENT).first()
    old = own.due_on.isoformat() if own else ""
    SubmissionDeadline.objects.update_or_create(
        submission=locked, stage=Stage.SELF_ASSESSMENT, defaults={"due_on": due_on}
    )
    audit_record(
        kind=AuditKind.TRANSITION,
        actor=actor,
        ip=ip,
        program_id=program_id,
        submission_id=locked.pk,
        obj_type="submission",
        obj_id=locked.pk,
        action="reopen_self_assessment",
        field="due_on",
        old_value=old,
        new_value=due_on.isoformat(),
        comment=comment.strip(),
        stage=locked.campaign.state,
    )
    notify_many(
        people(program_id, (Role.FOCAL_POINT, Role.LEADER), locked.unit_id),
        kind="unit_reopened",
        title=f"{locked.unit.name_vi} — {locked.campaign.year}: {comment.strip()}",
        url_name="submission_detail",
        url_args=(locked.pk,),
    )
    return locked


@transaction.atomic
def submissions_start_review(
    *, submissions, actor: AbstractBaseUser | None, ip: str | None = None
) -> int:
    """Start the review of several submitted reports at once: all of them, or none (every
    refusal is named, with its unit)."""
    refused = []
    for submission in submissions:
        try:
            with transaction.atomic():
                submission_start_review(submission=submission, actor=actor, ip=ip)
        except (ValidationError, PermissionDenied) as exc:
            refused.append(
                f"{submission.unit.name}: {' '.join(getattr(exc, 'messages', [str(exc)]))}"
            )
    if refused:
        raise ValidationError(refused)
    return len(submissions)
