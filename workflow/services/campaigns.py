from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from appraisal.models import Campaign
from workflow.flows import CampaignFlow
from workflow.services.base import lock, run


def _campaign(name: str):
    @transaction.atomic
    def service(
        *,
        campaign: Campaign,
        actor: AbstractBaseUser | None,
        comment: str = "",
        ip: str | None = None,
    ) -> Campaign:
        locked = lock(Campaign, campaign.pk, "program")
        run(CampaignFlow, locked, name, actor=actor, comment=comment, ip=ip)
        return locked

    service.__name__ = f"campaign_{name}"
    service.__doc__ = getattr(CampaignFlow, name).__doc__
    return service


campaign_open_self_assessment = _campaign("open_self_assessment")
campaign_start_review = _campaign("start_review")
campaign_start_council = _campaign("start_council")
campaign_publish = _campaign("publish")
campaign_archive = _campaign("archive")
