from appraisal.models.campaigns import (
    Campaign,
    CampaignFramework,
    ScoreItem,
    StageDeadline,
    Submission,
)
from appraisal.models.frameworks import Framework, FrameworkNode
from appraisal.models.organisations import Organisation, OrganisationLineage, Program
from appraisal.models.reviews import DomainReview, NotApplicableRequest, Query
from appraisal.models.roles import RoleAssignment

__all__ = [
    "Campaign",
    "CampaignFramework",
    "DomainReview",
    "Framework",
    "FrameworkNode",
    "NotApplicableRequest",
    "Organisation",
    "OrganisationLineage",
    "Program",
    "Query",
    "RoleAssignment",
    "ScoreItem",
    "StageDeadline",
    "Submission",
]
