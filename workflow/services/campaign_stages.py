from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from appraisal.models import Campaign
from appraisal.models.choices import Level, Role
from appraisal.models.states import SubmissionState
from appraisal.selectors.results import level_preview
from appraisal.selectors.roles import RoleHolders, role_holders
from documents.issuers import freeze
from documents.publication import publication_keys
from documents.tasks import enqueue_campaign_documents
from notifications.services import notify_many
from workflow.audit import audit_campaign
from workflow.flows import CampaignFlow, SubmissionFlow
from workflow.models import AuditKind
from workflow.services.base import lock, run, run_locked
from workflow.services.results import results_store
from workflow.services.submissions import TELL_AFTER, after_move


def _transition(
    campaign: Campaign, name: str, *, actor: User | None, comment: str, ip: str | None
) -> Campaign:
    return run_locked(CampaignFlow, campaign, name, "program", actor=actor, comment=comment, ip=ip)


@transaction.atomic
def campaign_open_self_assessment(
    *, campaign: Campaign, actor: User | None, comment: str = "", ip: str | None = None
) -> Campaign:
    """The secretariat opens self-assessment: units may start scoring."""
    return _transition(campaign, "open_self_assessment", actor=actor, comment=comment, ip=ip)


@transaction.atomic
def campaign_start_review(
    *, campaign: Campaign, actor: User | None, comment: str = "", ip: str | None = None
) -> Campaign:
    """The secretariat starts the review: line ministries may start reviewing submitted
    reports."""
    return _transition(campaign, "start_review", actor=actor, comment=comment, ip=ip)


@transaction.atomic
def campaign_start_council(
    *, campaign: Campaign, actor: User | None, comment: str = "", ip: str | None = None
) -> Campaign:
    """The secretariat hands the year to the appraisal council, which examines the
    reviewed reports."""
    return _transition(campaign, "start_council", actor=actor, comment=comment, ip=ip)


@transaction.atomic
def campaign_archive(
    *, campaign: Campaign, actor: User | None, comment: str = "", ip: str | None = None
) -> Campaign:
    """The secretariat closes the published year."""
    return _transition(campaign, "archive", actor=actor, comment=comment, ip=ip)


def _move_back(
    campaign: Campaign,
    name: str,
    *,
    actor: User | None,
    comment: str,
    ip: str | None,
    roles: tuple[str, ...],
) -> Campaign:
    """Back one stage, with the reason: audited by the flow, and everyone whose work the
    stage concerns is told (their e-mails leave on commit)."""
    locked = _transition(campaign, name, actor=actor, comment=comment, ip=ip)
    notify_many(
        role_holders(locked.program_id, roles),
        kind="campaign_moved_back",
        title=f"{locked.name} — {comment.strip()}",
        url_name="campaign_detail",
        url_args=(locked.pk,),
    )
    return locked


@transaction.atomic
def campaign_reopen_self_assessment(
    *, campaign: Campaign, actor: User | None, comment: str = "", ip: str | None = None
) -> Campaign:
    """The secretariat takes the campaign back from review to self-assessment, with a
    reason: units may send their reports again; reviews already started go on."""
    return _move_back(
        campaign,
        "reopen_self_assessment",
        actor=actor,
        comment=comment,
        ip=ip,
        roles=(Role.FOCAL_POINT, Role.LEADER, Role.COORDINATOR),
    )


@transaction.atomic
def campaign_reopen_review(
    *, campaign: Campaign, actor: User | None, comment: str = "", ip: str | None = None
) -> Campaign:
    """The secretariat takes the campaign back from the council to review, with a reason,
    while no report has been put before the council."""
    return _move_back(
        campaign,
        "reopen_review",
        actor=actor,
        comment=comment,
        ip=ip,
        roles=(Role.COORDINATOR, Role.REVIEWER, Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER),
    )


@transaction.atomic
def campaign_publish(
    *, campaign: Campaign, actor: User | None, comment: str = "", ip: str | None = None
) -> Campaign:
    """Publish the year: the results of every level are computed once more and stored as
    the published snapshot (never computed again), and every appraised report is published
    with them. Refused, with the reason, while a report is not appraised or lacks survey
    points (unless excluded)."""
    locked = lock(Campaign, campaign.pk, "program")
    run(CampaignFlow, locked, "publish", actor=actor, comment=comment, ip=ip)
    # the issuing data of the year's documents, dated and numbered from the owner's register
    numbers = freeze(locked).snapshot or {}
    audit_campaign(
        locked,
        "issue",
        kind=AuditKind.DOCUMENT,
        actor=actor,
        ip=ip,
        new_value=", ".join(
            f"{kind} {number}" for kind, number in numbers.get("numbers", {}).items()
        ),
    )
    locked.published_at = timezone.now()
    locked.save(update_fields=["published_at"])
    for level in Level.values:
        if locked.frameworks.filter(level=level).exists():
            results_store(campaign=locked, level=level, results=level_preview(locked, level))
    appraised = locked.submissions.filter(state=SubmissionState.APPRAISED, exclusion_reason="")
    _kind, told = TELL_AFTER["publish"]
    holders = RoleHolders(told, program_ids=[locked.program_id])
    for submission in appraised.select_related("campaign", "unit").select_for_update(of=("self",)):
        run(SubmissionFlow, submission, "publish", actor=None, ip=ip)
        after_move(submission, "publish", holders)

    enqueue_campaign_documents(locked.pk, publication_keys(locked))
    return locked
