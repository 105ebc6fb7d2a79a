"""The lifecycles, declared with viewflow.fsm: one flow class per kind of row. Services run
their transitions (workflow/services/base.py); pages only ask what they would allow."""

from workflow.flows.base import BaseFlow
from workflow.flows.campaign import CampaignFlow
from workflow.flows.review import DomainReviewFlow, QueryFlow
from workflow.flows.submission import SubmissionFlow, incomplete_items

__all__ = [
    "BaseFlow",
    "CampaignFlow",
    "DomainReviewFlow",
    "QueryFlow",
    "SubmissionFlow",
    "incomplete_items",
]
