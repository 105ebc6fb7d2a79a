from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from appraisal.models import Campaign
from workflow.flows import CampaignFlow
from workflow.services.base import lock, run, transition_service


def _campaign(name: str):
    return transition_service(CampaignFlow, Campaign, name, "program")


campaign_open_self_assessment = _campaign("open_self_assessment")
campaign_start_review = _campaign("start_review")
campaign_start_council = _campaign("start_council")
campaign_archive = _campaign("archive")


def _move_back(
    campaign: Campaign, name: str, *, actor, comment: str, ip: str | None, roles: tuple
) -> Campaign:
    """Back one stage, with the reason: audited by the flow, and everyone whose work the
    stage concerns is told (their e-mails leave on commit)."""
    from notifications.services import notify_many, people

    locked = lock(Campaign, campaign.pk, "program")
    run(CampaignFlow, locked, name, actor=actor, comment=comment, ip=ip)
    notify_many(
        people(locked.program_id, roles),
        kind="campaign_moved_back",
        title=f"{locked.name} — {comment.strip()}",
        url_name="campaign_detail",
        url_args=(locked.pk,),
    )
    return locked


@transaction.atomic
def campaign_reopen_self_assessment(
    *, campaign: Campaign, actor: AbstractBaseUser | None, comment: str = "", ip: str | None = None
) -> Campaign:
    """The secretariat takes the campaign back from review to self-assessment, with a
    reason: units may send their reports again; reviews already started go on."""
    from appraisal.models.choices import Role

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
    *, campaign: Campaign, actor: AbstractBaseUser | None, comment: str = "", ip: str | None = None
) -> Campaign:
    """The secretariat takes the campaign back from the council to review, with a reason,
    while no report has been put before the council."""
    from appraisal.models.choices import Role

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
    *, campaign: Campaign, actor: AbstractBaseUser | None, comment: str = "", ip: str | None = None
) -> Campaign:
    """Publish the year: the results of every level are computed once more and stored as
    the published snapshot (never computed again), and every appraised report is published
    with them. Refused, with the reason, while a report is not appraised or lacks survey
    points (unless excluded)."""
    from appraisal.models.choices import Level
    from appraisal.results import level_preview
    from appraisal.services.results import results_store
    from workflow.flows import SubmissionFlow
    from workflow.states import SubmissionState

    locked = lock(Campaign, campaign.pk, "program")
    run(CampaignFlow, locked, "publish", actor=actor, comment=comment, ip=ip)
    locked.published_at = timezone.now()
    locked.save(update_fields=["published_at"])
    for level in Level.values:
        if locked.frameworks.filter(level=level).exists():
            results_store(campaign=locked, level=level, results=level_preview(locked, level))
    appraised = locked.submissions.filter(state=SubmissionState.APPRAISED, exclusion_reason="")
    for submission in appraised.select_related("campaign").select_for_update(of=("self",)):
        run(SubmissionFlow, submission, "publish", actor=None, ip=ip)
    from documents.publication import publication_keys
    from documents.tasks import enqueue_campaign_documents

    enqueue_campaign_documents(locked.pk, publication_keys(locked))
    return locked
