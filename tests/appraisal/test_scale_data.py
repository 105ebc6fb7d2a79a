"""`seed_demo --scale`: years of data made in bulk must be what the services would have made —
states, scores in range, evidence bound and frozen, reviews granted to their reviewers only,
queries with their conversation, results stored, an audit chain that verifies — and the pages
must serve it."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse

from appraisal.demo.scale import build
from appraisal.demo.scale_base import LIVE_REVIEW_STATES
from appraisal.models import (
    Campaign,
    DomainReview,
    Query,
    RoleAssignment,
    ScoreItem,
    Submission,
    UnitResult,
)
from documents.models import Binding, Document, EvidenceManifest
from workflow.audit import verify_chain

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def province_scale(program, media):
    lines: list[str] = []
    built = build(scale="province", years=3, provinces=1, units=12, password="pw", say=lines.append)
    return built, lines


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_years_are_published_and_this_year_is_under_review(province_scale):
    built, lines = province_scale
    campaigns = list(Campaign.objects.filter(program__code__startswith="scale-").order_by("year"))
    assert [c.state for c in campaigns] == ["published", "published", "review"]
    assert built.campaigns == 3 and built.submissions == 36 and built.programs == 1
    for campaign in campaigns[:2]:
        assert set(campaign.submissions.values_list("state", flat=True)) == {"published"}
        # the results as publication stores them: every unit, ranks and groups set
        results = UnitResult.objects.filter(campaign=campaign)
        assert results.count() == 12
        assert not results.filter(group="").exists()
        assert campaign.published_at is not None
    live = campaigns[2]
    assert set(live.submissions.values_list("state", flat=True)) == {
        "draft",
        "pending_approval",
        "submitted",
        "under_review",
        "reviewed",
    }
    assert live.deadlines.count() == 4
    assert lines[0].startswith(f"{live.program.code}: 3 years, 36 reports")


def test_scores_evidence_and_manifests_are_complete(province_scale):
    live = Campaign.objects.get(program__code__startswith="scale-", state="review")
    # a draft keeps a third of its items to do; every other report is fully self-scored
    drafts = ScoreItem.objects.filter(
        submission__campaign=live, submission__state="draft", scoring_mode="self"
    )
    assert drafts.filter(self_score__isnull=True).exists()
    assert drafts.filter(self_score__isnull=False).exists()
    assert not ScoreItem.objects.filter(
        scoring_mode="self", self_score__isnull=True, submission__state="published"
    ).exists()
    # proposals once reviewed, some lowered with a reason; final scores once appraised
    reviewed = ScoreItem.objects.filter(submission__state="reviewed", scoring_mode="self")
    assert not reviewed.filter(review_score__isnull=True).exists()
    lowered = ScoreItem.objects.exclude(review_reason="")
    assert lowered.exists()
    assert all(i.review_score < i.self_score for i in lowered[:20])
    assert (
        not ScoreItem.objects.filter(submission__state="published", final_score__isnull=True)
        .exclude(scoring_mode="survey")
        .exists()
    )
    # evidence: one to three files per self-scored item, each current and bound to its item
    self_items = ScoreItem.objects.filter(scoring_mode="self").values_list("pk", flat=True)
    assert Document.objects.count() == sum(1 + pk % 3 for pk in self_items)
    assert not Document.objects.filter(current__isnull=True).exists()
    assert not Document.objects.exclude(current__document=F("pk")).exists()  # its own version
    assert Binding.objects.count() == Document.objects.count()
    submitted = Submission.objects.exclude(state__in=["draft", "pending_approval"])
    assert EvidenceManifest.objects.count() == submitted.count()
    manifest = EvidenceManifest.objects.first()
    assert len(manifest.entries) == manifest.submission.documents.count()


def test_reviews_are_granted_to_their_own_reviewers_only(province_scale):
    live = Campaign.objects.get(program__code__startswith="scale-", state="review")
    under_review = DomainReview.objects.filter(
        submission__campaign=live, submission__state="under_review"
    )
    assert set(under_review.values_list("state", flat=True)) == set(LIVE_REVIEW_STATES)
    assert not DomainReview.objects.exclude(campaign=F("submission__campaign")).exists()
    assert not DomainReview.objects.filter(state="pending", reviewer__isnull=False).exists()
    for review in DomainReview.objects.filter(reviewer__isnull=False).select_related(
        "reviewer", "submission"
    )[:200]:
        assert review.reviewer.has_perm("appraisal.review_domainreview", review)
        # never the reviewer's own organisation's report
        assert not RoleAssignment.objects.filter(
            user=review.reviewer, organisation_id=review.submission.unit_id
        ).exists()
    # one query on one item in ten of each started review, with its conversation
    closed = Query.objects.filter(state="closed").first()
    assert [m.kind for m in closed.messages.all()] == ["question", "answer", "close"]
    # each on one item of its review's domain, in that review's report
    on_its_item = Query.objects.filter(
        items__domain=F("review__domain"), items__submission=F("review__submission")
    )
    assert on_its_item.count() == Query.objects.count() > 0
    assert Query.objects.filter(state="open", review__state="awaiting_unit").exists()
    assert set(Query.objects.values_list("review__state", flat=True)) <= {
        "in_progress",
        "awaiting_unit",
        "completed",
    }


def test_audit_chain_verifies_and_a_second_run_changes_nothing(province_scale):
    assert list(verify_chain()) == []
    before = (Submission.objects.count(), Document.objects.count(), Query.objects.count())
    lines: list[str] = []
    again = build(scale="province", years=3, provinces=1, units=12, password="pw", say=lines.append)
    assert again.programs == 0 and "already built" in lines[0]
    assert (Submission.objects.count(), Document.objects.count(), Query.objects.count()) == before


def test_pages_serve_the_generated_data(province_scale):
    built, _lines = province_scale
    live = Campaign.objects.get(program__code__startswith="scale-", state="review")
    slug = live.program.code.removeprefix("scale-")
    draft = live.submissions.filter(state="draft").select_related("unit").first()
    focal = _client(f"{slug}.{draft.unit.code.lower()}.daumoi")
    page = focal.get(reverse("submission_workspace", args=[draft.pk]))
    assert page.status_code == 200
    assert "minh-chung-1.pdf" in page.content.decode()
    review = DomainReview.objects.filter(submission__campaign=live, state="in_progress").first()
    assert (
        _client(review.reviewer.username)
        .get(reverse("review_detail", args=[review.pk]))
        .status_code
        == 200
    )
    secretariat = _client(f"{slug}.thuky")
    assert secretariat.get(reverse("review_matrix", args=[live.pk])).status_code == 200
    assert secretariat.get(reverse("inbox")).status_code == 200
    manager = _client(f"{slug}.quanly")
    assert manager.get(reverse("campaign_dashboard", args=[live.pk])).status_code == 200
    published = Campaign.objects.filter(program=live.program, state="published").first()
    public = Client().get(reverse("results_year", args=[live.program.code, published.year]))
    assert public.status_code == 200
    assert published.submissions.first().unit.name_vi in public.content.decode()
    assert f"{slug}.thuky" in built.samples


def test_national_scale_follows_the_provinces_of_each_year(program, media, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo", "--scale", "national", "--years", "3", "--provinces", "0")
    out = capsys.readouterr().out
    assert "Scale data (national) built" in out
    oldest, previous, last = Campaign.objects.filter(program__code="scale-par").order_by("year")
    # the 63 provinces until 2024, the 34 of today (merged on 2025-07-01) since
    assert oldest.submissions.filter(level="province").count() == 63
    assert last.submissions.filter(level="province").count() == 34
    assert previous.submissions.filter(level="province").count() == 34
    assert last.submissions.filter(level="ministry").exists()
    assert UnitResult.objects.filter(campaign=previous).count() == previous.submissions.count()
