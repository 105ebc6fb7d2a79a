from appraisal.models.campaigns import (
    Campaign,
    CampaignFramework,
    ScoreItem,
    StageDeadline,
    Submission,
)
from appraisal.models.frameworks import Framework, FrameworkNode
from appraisal.models.organisations import Organisation, OrganisationLineage, Program
from appraisal.models.roles import RoleAssignment

__all__ = [
    "Campaign",
    "CampaignFramework",
    "Framework",
    "FrameworkNode",
    "Organisation",
    "OrganisationLineage",
    "Program",
    "RoleAssignment",
    "ScoreItem",
    "StageDeadline",
    "Submission",
]
