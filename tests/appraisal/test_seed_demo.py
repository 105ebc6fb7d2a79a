"""The demo is built by the real services, is idempotent, and every persona can log in."""

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from appraisal.models import (
    Campaign,
    DomainReview,
    ItemNote,
    Query,
    RoleAssignment,
    ScoreItem,
    Submission,
    UnitResult,
)
from documents.models import Document
from tests.conftest import DATA_DIR

pytestmark = pytest.mark.django_db
DEMO = yaml.safe_load((DATA_DIR / "demo.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def debug(settings):
    settings.DEBUG = True  # pytest-django runs tests with DEBUG off; the demo is for DEBUG on


def test_seed_demo_builds_the_2026_campaign_and_is_idempotent(program, debug, capsys):
    call_command("seed_demo")
    counts = (
        Campaign.objects.count(),
        Submission.objects.count(),
        ScoreItem.objects.count(),
        RoleAssignment.objects.count(),
    )
    call_command("seed_demo")
    assert (
        Campaign.objects.count(),
        Submission.objects.count(),
        ScoreItem.objects.count(),
        RoleAssignment.objects.count(),
    ) == counts
    campaign = Campaign.objects.get(year=2026)
    assert campaign.state == "self_assessment"
    assert campaign.submissions.filter(level="province").count() == 34
    assert campaign.submissions.filter(level="ministry").count() == 14
    assert campaign.deadlines.count() == 4
    assert "Demo ready" in capsys.readouterr().out
    # reviews in every state, queries open, answered and closed (accepted and not)
    review_states = set(DomainReview.objects.values_list("state", flat=True))
    assert review_states == {"pending", "assigned", "in_progress", "awaiting_unit", "completed"}
    assert set(Query.objects.values_list("state", "accepted")) == {
        ("open", None),
        ("answered", None),
        ("closed", True),
        ("closed", False),
    }
    assert campaign.submissions.get(unit__code="T34-hai-phong").state == "reviewed"
    assert ItemNote.objects.exists() and Document.objects.filter(query__isnull=False).exists()
    # the dashboard has something on time, due soon and overdue; one extension each way
    from appraisal.models import ExtensionRequest
    from appraisal.selectors.dashboard import dashboard

    totals = dashboard(campaign).totals
    assert totals["on_time"] and totals["due_soon"] and totals["overdue"]
    assert set(ExtensionRequest.objects.values_list("state", flat=True)) == {"granted", "refused"}


def test_every_demo_persona_logs_in_and_sees_their_pages(client, program, debug):
    call_command("seed_demo")
    campaign = Campaign.objects.get(year=2026)
    for person in DEMO["users"]:
        # through the login page, as a person does (login throttling needs the request)
        response = client.post(
            reverse("login"), {"username": person["username"], "password": DEMO["password"]}
        )
        assert response.status_code == 302, person["username"]
        for url in (
            reverse("home"),
            reverse("campaign_list"),
            reverse("campaign_detail", args=[campaign.pk]),
            reverse("framework_list"),
        ):
            assert client.get(url).status_code == 200, (person["username"], url)
        client.logout()
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == {
        "secretariat",
        "manager",
        "council_chair",
        "council_member",
        "coordinator",
        "reviewer",
        "focal_point",
        "leader",
    }
    assert get_user_model().objects.get(username="admin").is_superuser


def test_seed_demo_refuses_with_debug_off(settings, program):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not Campaign.objects.exists()


@pytest.mark.slow
def test_seed_demo_through_published_runs_the_whole_year(program, debug, client):
    """Every report scored, reviewed, appraised and published by the real services, with
    the past two years loaded so that the public pages show changes."""
    call_command("seed_demo", "--through", "published")
    campaign = Campaign.objects.get(year=2026)
    assert campaign.state == "published"
    assert set(campaign.submissions.values_list("state", flat=True)) == {"published"}
    assert UnitResult.objects.filter(campaign=campaign).count() == 48
    assert UnitResult.objects.filter(campaign__year=2025, level="province").count() == 34
    changes = UnitResult.objects.filter(campaign=campaign, previous_index__isnull=False)
    assert changes.count() == 48  # every 2026 unit existed in 2025
    assert campaign.sessions.get().minutes
    response = client.get(reverse("results_year", args=["national", 2026]))
    body = response.content.decode()
    assert response.status_code == 200 and ("▲" in body or "▼" in body)
