from appraisal.models import Campaign
from workflow.flows import CampaignFlow
from workflow.services.base import transition_service


def _campaign(name: str):
    return transition_service(CampaignFlow, Campaign, name, "program")


campaign_open_self_assessment = _campaign("open_self_assessment")
campaign_start_review = _campaign("start_review")
campaign_start_council = _campaign("start_council")
campaign_publish = _campaign("publish")
campaign_archive = _campaign("archive")
