"""The cast of the review stages, and submissions made ready for them."""

from decimal import Decimal

import pytest
from django.db.models import Case, F, Value, When

from appraisal.models import ScoreItem, Submission
from tests.conftest import make_user


@pytest.fixture
def cast(personas, program, orgs):
    """The personas of tests/conftest.py plus the review and council people."""
    return {
        **personas,
        "finance_coordinator": make_user(
            "dieuphoi.btc", ("coordinator", orgs["BTC"]), program=program
        ),
        "justice_coordinator": make_user(
            "dieuphoi.btp", ("coordinator", orgs["BTP"]), program=program
        ),
        "justice_reviewer": make_user("thamdinh.btp", ("reviewer", orgs["BTP"]), program=program),
        "home_reviewer": make_user("thamdinh.bnv", ("reviewer", orgs["BNV"]), program=program),
        "finance_member": make_user(
            "hoidong.btc", ("council_member", orgs["BTC"]), program=program
        ),
        "justice_focal": make_user("btp.daumoi", ("focal_point", orgs["BTP"]), program=program),
        "justice_leader": make_user("btp.lanhdao", ("leader", orgs["BTP"]), program=program),
    }


def fill_self_scores(submission: Submission) -> None:
    """Setup shortcut: every self-scored item gets its maximum (0 for a deduction) and an
    explanation, as a focal point would have done through the workspace."""
    ScoreItem.objects.filter(submission=submission, scoring_mode="self").update(
        self_score=Case(When(is_deduction=True, then=Value(Decimal(0))), default=F("max_points")),
        explanation="Có văn bản kèm theo.",
    )


@pytest.fixture
def campaign(campaign_factory):
    return campaign_factory()


@pytest.fixture
def bac_ninh(campaign) -> Submission:
    submission = campaign.submissions.get(unit__code="T34-bac-ninh")
    fill_self_scores(submission)
    return submission


@pytest.fixture
def justice(campaign) -> Submission:
    submission = campaign.submissions.get(unit__code="BTP")
    fill_self_scores(submission)
    return submission
