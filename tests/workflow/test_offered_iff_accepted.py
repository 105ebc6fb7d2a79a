"""Issue 14: a page offers an action if and only if the service would accept it for that
user and object — one table, every transition of the submission and campaign pages, every
persona, the states a report and a campaign pass through."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from appraisal.models import Submission
from appraisal.views.campaign_actions import CAMPAIGN_ACTIONS, campaign_actions
from appraisal.views.submissions import PAGE_TRANSITIONS, available_actions
from workflow.services import campaign_stages as campaign_services
from workflow.services import submissions as submission_services

pytestmark = pytest.mark.django_db

PERSONAS = ("bacninh_focal", "bacninh_leader", "secretariat", "chair", "manager", "outsider")


class _Undo(Exception):
    pass


def accepted(service, **kwargs) -> bool:
    """Whether the service goes through (then undone)."""
    try:
        with transaction.atomic():
            service(**kwargs)
            raise _Undo
    except _Undo:
        return True
    except (ValidationError, PermissionDenied):
        return False


def offered_names(actions) -> set[str]:
    return {a["name"] for a in actions if not a["refused"]}


def check_submission(submission: Submission, cast) -> list[tuple]:
    mismatches = []
    for persona in PERSONAS:
        user = cast[persona]
        fresh = Submission.objects.select_related("campaign", "unit").get(pk=submission.pk)
        offered = offered_names(available_actions(user, fresh))
        for name, needs_reason in PAGE_TRANSITIONS.items():
            service = getattr(submission_services, f"submission_{name}")
            ok = accepted(
                service, submission=fresh, actor=user, comment="Lý do" if needs_reason else ""
            )
            if ok != (name in offered):
                mismatches.append((fresh.state, persona, name, ok))
    return mismatches


@pytest.mark.parametrize(
    "setup",
    ["draft_incomplete", "draft_complete", "pending", "submitted", "late_after_review"],
)
def test_the_submission_page_offers_exactly_what_the_services_accept(
    setup, cast, campaign, bac_ninh
):
    if setup == "draft_incomplete":
        bac_ninh.items.filter(scoring_mode="self").update(self_score=None)
    if setup in ("pending", "submitted"):
        submission_services.submission_send_for_approval(
            submission=bac_ninh, actor=cast["bacninh_focal"]
        )
    if setup == "submitted":
        submission_services.submission_approve(submission=bac_ninh, actor=cast["bacninh_leader"])
    if setup == "late_after_review":
        deadline = campaign.deadlines.get(stage="self_assessment")
        deadline.starts_on, deadline.due_on = datetime.date(2026, 9, 1), datetime.date(2026, 11, 30)
        deadline.save()
        campaign_services.campaign_start_review(campaign=campaign, actor=cast["secretariat"])
    assert check_submission(bac_ninh, cast) == []


@pytest.mark.parametrize("stage", ["self_assessment", "review", "council"])
def test_the_campaign_page_offers_exactly_what_the_services_accept(stage, cast, campaign):
    if stage in ("review", "council"):
        campaign_services.campaign_start_review(campaign=campaign, actor=cast["secretariat"])
    if stage == "council":
        campaign_services.campaign_start_council(campaign=campaign, actor=cast["secretariat"])
    mismatches = []
    for persona in PERSONAS:
        user = cast[persona]
        campaign.refresh_from_db()
        offered = offered_names(campaign_actions(user, campaign))
        for name in CAMPAIGN_ACTIONS:
            service = getattr(campaign_services, f"campaign_{name}")
            ok = accepted(service, campaign=campaign, actor=user, comment="Lý do")
            if ok != (name in offered):
                mismatches.append((stage, persona, name, ok))
    assert mismatches == []
    # and the secretariat is offered something at every stage
    assert offered_names(campaign_actions(cast["secretariat"], campaign))
