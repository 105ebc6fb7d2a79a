import datetime
from collections.abc import Iterable, Sequence

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.models import DomainReview, FrameworkNode, Submission, SubmissionDeadline
from appraisal.models.choices import NodeKind, Role, Stage
from appraisal.models.states import SubmissionState
from appraisal.selectors.reviews import routing_map
from appraisal.selectors.roles import RoleHolders, role_holders
from appraisal.workdays import today
from documents.reports import number_report
from documents.services import evidence_freeze
from documents.tasks import enqueue_self_assessment_report
from notifications.services import notify_many
from workflow.audit import audit_record
from workflow.flows import DomainReviewFlow, SubmissionFlow
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

# What follows a report's move ---------------------------------------------------------

# after these, the self-assessment report (PDF) is made again by a worker
REPORT_AFTER = {"send_for_approval", "approve"}


# after these, people are told: (kind of message, the roles told)
TELL_AFTER = {
    "send_for_approval": ("submission_to_approve", (Role.LEADER,)),
    "approve": ("submission_submitted", (Role.SECRETARIAT,)),
    "return_to_draft": ("submission_returned", (Role.FOCAL_POINT,)),
    "return_incomplete": ("submission_returned", (Role.FOCAL_POINT, Role.LEADER)),
    "appraise": ("council_decision", (Role.LEADER,)),
    "send_back_to_review": ("council_decision", (Role.SECRETARIAT,)),
    "publish": ("published", (Role.FOCAL_POINT, Role.LEADER)),
}


def after_move(submission: Submission, transition: str, holders: RoleHolders | None = None) -> None:
    """What follows a report's move, called at the end of every service that moves one: the
    PDF report made again (once it is sent or submitted) and the people concerned told (the
    e-mails and the worker's task leave on commit). A service moving many reports passes the
    role holders it read once."""
    if transition in REPORT_AFTER:
        enqueue_self_assessment_report(submission.pk)
    if transition in TELL_AFTER:
        kind, roles = TELL_AFTER[transition]
        unit = None if Role.SECRETARIAT in roles else submission.unit_id
        program_id = submission.campaign.program_id
        holders = holders or RoleHolders(roles, program_ids=[program_id])
        notify_many(
            holders(program_id, roles, unit),
            kind=kind,
            title=f"{submission.unit.name_vi} — {submission.campaign.year}",
            url_name="submission_detail",
            url_args=(submission.pk,),
        )


def _transition(
    submission: Submission,
    name: str,
    *,
    actor: User | None,
    comment: str,
    ip: str | None,
) -> Submission:
    """Run one plain transition on the locked row, then what follows the move."""
    locked = run_locked(
        SubmissionFlow, submission, name, *SUBMISSION_RELATED, actor=actor, comment=comment, ip=ip
    )
    after_move(locked, name)
    return locked


@transaction.atomic
def submission_send_for_approval(
    *,
    submission: Submission,
    actor: User | None,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """The focal point sends the finished self-assessment to the unit's leader."""
    return _transition(submission, "send_for_approval", actor=actor, comment=comment, ip=ip)


@transaction.atomic
def submission_return_to_draft(
    *,
    submission: Submission,
    actor: User | None,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """The leader sends the draft back to the focal point."""
    return _transition(submission, "return_to_draft", actor=actor, comment=comment, ip=ip)


@transaction.atomic
def submission_withdraw(
    *,
    submission: Submission,
    actor: User | None,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """The unit takes its report back, before review starts and before the deadline."""
    return _transition(submission, "withdraw", actor=actor, comment=comment, ip=ip)


@transaction.atomic
def submission_return_incomplete(
    *,
    submission: Submission,
    actor: User | None,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """The secretariat returns an incomplete report to the unit."""
    return _transition(submission, "return_incomplete", actor=actor, comment=comment, ip=ip)


@transaction.atomic
def submission_finish_review(
    *,
    submission: Submission,
    actor: User | None,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """Every domain review is complete (done by the system after the last one)."""
    return _transition(submission, "finish_review", actor=actor, comment=comment, ip=ip)


@transaction.atomic
def submission_send_to_council(
    *,
    submission: Submission,
    actor: User | None,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """The secretariat puts the reviewed report before the council."""
    return _transition(submission, "send_to_council", actor=actor, comment=comment, ip=ip)


@transaction.atomic
def submission_appraise(
    *,
    submission: Submission,
    actor: User | None,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """The council chair confirms the final scores."""
    return _transition(submission, "appraise", actor=actor, comment=comment, ip=ip)


@transaction.atomic
def submission_publish(
    *,
    submission: Submission,
    actor: User | None,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """Published with the campaign; nothing changes any more."""
    return _transition(submission, "publish", actor=actor, comment=comment, ip=ip)


@transaction.atomic
def submission_approve(
    *,
    submission: Submission,
    actor: User | None,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """The leader submits the report: its evidence is frozen in a manifest of hashes and
    the report takes the next number of the unit's register."""
    locked = lock(Submission, submission.pk, *SUBMISSION_RELATED)
    run(SubmissionFlow, locked, "approve", actor=actor, comment=comment, ip=ip)
    evidence_freeze(submission=locked)
    # the report sent is the unit's outgoing document: numbered now, rendered by the worker
    number_report(locked)
    after_move(locked, "approve")
    return locked


@transaction.atomic
def submission_start_review(
    *,
    submission: Submission,
    actor: User | None,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """Start the review: one domain review per domain, routed to the organisation that
    reviews the domain in this campaign (the secretariat's mapping, else the framework's)."""
    locked = lock(Submission, submission.pk, *SUBMISSION_RELATED)
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
    routed = {domain_id: org for domain_id, org in routes.items() if org is not None}
    DomainReview.objects.bulk_create(
        [
            DomainReview(
                submission=locked,
                campaign_id=locked.campaign_id,
                domain=domain,
                organisation_id=routed[domain.pk],
            )
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
    actor: User | None,
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
    actor: User | None,
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
    actor: User | None,
    comment: str,
    ip: str | None,
) -> Submission:
    """Move the report back under review, then reopen each named domain's review."""
    domain_ids = {domain.pk for domain in domains}
    if not domain_ids:
        raise ValidationError(_("Chọn ít nhất một lĩnh vực để thẩm định lại."))
    locked = lock(Submission, submission.pk, *SUBMISSION_RELATED)
    run(SubmissionFlow, locked, transition, actor=actor, comment=comment, ip=ip)
    reviews = DomainReview.objects.filter(submission=locked, domain_id__in=domain_ids)
    for review in reviews.select_related(*REVIEW_RELATED).select_for_update(of=("self",)):
        run(DomainReviewFlow, review, "reopen", actor=actor, comment=comment, ip=ip)
    after_move(locked, transition)
    return locked


@transaction.atomic
def submission_reopen_self_assessment(
    *,
    submission: Submission,
    due_on: datetime.date | None,
    actor: User,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """The secretariat reopens one unit's self-assessment with a new deadline of its own,
    whatever stage the campaign is in: a submitted report (not yet under review) goes back to
    draft, and the unit may send it again until `due_on`. Audited with the reason; the unit
    is told."""
    locked = lock(Submission, submission.pk, *SUBMISSION_RELATED)
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
        after_move(locked, "return_incomplete")
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
        role_holders(program_id, (Role.FOCAL_POINT, Role.LEADER), locked.unit_id),
        kind="unit_reopened",
        title=f"{locked.unit.name_vi} — {locked.campaign.year}: {comment.strip()}",
        url_name="submission_detail",
        url_args=(locked.pk,),
    )
    return locked


@transaction.atomic
def submissions_start_review(
    *, submissions: Sequence[Submission], actor: User | None, ip: str | None = None
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
