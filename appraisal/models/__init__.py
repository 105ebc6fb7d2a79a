from appraisal.models.calendar import CalendarDay
from appraisal.models.campaigns import (
    Campaign,
    CampaignFramework,
    ScoreItem,
    StageDeadline,
    Submission,
)
from appraisal.models.council import CouncilMember, CouncilSession
from appraisal.models.deadlines import ExtensionRequest, SubmissionDeadline
from appraisal.models.frameworks import Framework, FrameworkNode
from appraisal.models.organisations import (
    Organisation,
    OrganisationLineage,
    OrganisationName,
    Program,
)
from appraisal.models.people import Invitation
from appraisal.models.results import SurveyResult, SurveyUpload, UnitResult
from appraisal.models.reviews import (
    DomainOwner,
    DomainReview,
    ItemNote,
    NotApplicableRequest,
    Query,
    QueryMessage,
)
from appraisal.models.roles import RoleAssignment

__all__ = [
    "CalendarDay",
    "Campaign",
    "CampaignFramework",
    "CouncilMember",
    "CouncilSession",
    "DomainOwner",
    "DomainReview",
    "ExtensionRequest",
    "Framework",
    "FrameworkNode",
    "Invitation",
    "ItemNote",
    "NotApplicableRequest",
    "Organisation",
    "OrganisationName",
    "OrganisationLineage",
    "Program",
    "Query",
    "QueryMessage",
    "RoleAssignment",
    "ScoreItem",
    "StageDeadline",
    "Submission",
    "SubmissionDeadline",
    "SurveyResult",
    "SurveyUpload",
    "UnitResult",
]
