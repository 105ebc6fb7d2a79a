"""Routing by the campaign's mapping, assignment one by one and in bulk, even distribution,
conflict of interest."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.models import UserObjectPermission

from appraisal.models import DomainReview, FrameworkNode
from appraisal.permissions import forget_grants
from tests.conftest import make_user, reviews_started
from workflow.models import AuditEvent
from workflow.services.assignments import (
    distribution_plan,
    review_assign,
    reviews_assign,
    reviews_distribute,
)
from workflow.services.routing import campaign_route_domain

pytestmark = pytest.mark.django_db


def domain(framework, code) -> FrameworkNode:
    return FrameworkNode.objects.get(framework=framework, code=code, kind="domain")


def test_routing_follows_the_campaigns_mapping(cast, campaign, orgs, ministry_framework):
    finance_domain = domain(ministry_framework, "6")
    assert finance_domain.owner.code == "BTC"
    campaign_route_domain(
        campaign=campaign,
        domain=finance_domain,
        organisation=orgs["BTP"],
        actor=cast["secretariat"],
    )
    justice, health = (campaign.submissions.get(unit__code=code) for code in ("BTP", "BYT"))
    reviews_started([justice], cast["secretariat"])
    routed = dict(
        DomainReview.objects.filter(submission=justice).values_list(
            "domain__code", "organisation__code"
        )
    )
    assert routed == {
        "1": "BNV",
        "2": "BTP",
        "3": "VPCP",
        "4": "BNV",
        "5": "BNV",
        "6": "BTP",
        "7": "BKHCN",
    }

    # A change after review started moves the reviews no one was assigned to, not the others.
    reviews_started([health], cast["secretariat"])
    health_finance = DomainReview.objects.get(submission=health, domain=finance_domain)
    review_assign(
        review=health_finance, reviewer=cast["justice_reviewer"], actor=cast["justice_coordinator"]
    )
    moved = campaign_route_domain(
        campaign=campaign,
        domain=finance_domain,
        organisation=orgs["BTC"],
        actor=cast["secretariat"],
    )
    assert moved == 1  # Justice's own pending review; Health's is assigned and stays
    assert (
        DomainReview.objects.get(submission=justice, domain=finance_domain).organisation.code
        == "BTC"
    )
    assert DomainReview.objects.get(pk=health_finance.pk).organisation.code == "BTP"
    assert AuditEvent.objects.filter(action="route_domain").count() == 2


def test_only_the_secretariat_changes_the_mapping(
    cast, campaign, orgs, ministry_framework, province_framework
):
    with pytest.raises(PermissionDenied):
        campaign_route_domain(
            campaign=campaign,
            domain=domain(ministry_framework, "6"),
            organisation=orgs["BTP"],
            actor=cast["finance_coordinator"],
        )
    other = (
        FrameworkNode.objects.filter(framework=ministry_framework).exclude(kind="domain").first()
    )
    with pytest.raises(ValidationError, match="không thuộc bộ chỉ số"):
        campaign_route_domain(
            campaign=campaign, domain=other, organisation=orgs["BTP"], actor=cast["secretariat"]
        )


def test_conflict_of_interest_is_refused_naming_the_rule(cast, justice):
    reviews_started([justice], cast["secretariat"])
    own = DomainReview.objects.get(submission=justice, domain__code="2")  # Justice's domain
    with pytest.raises(PermissionDenied, match="Xung đột lợi ích"):
        review_assign(review=own, reviewer=cast["justice_reviewer"], actor=cast["secretariat"])
    with pytest.raises(
        PermissionDenied, match="Xung đột lợi ích"
    ):  # the coordinator is conflicted too
        review_assign(review=own, reviewer=cast["home_reviewer"], actor=cast["justice_coordinator"])
    assert DomainReview.objects.get(pk=own.pk).reviewer is None


def test_bulk_assignment_is_all_or_nothing(cast, campaign):
    submissions = list(campaign.submissions.filter(unit__code__in=["BTP", "BYT"]))
    reviews_started(submissions, cast["secretariat"])
    reviews = list(DomainReview.objects.filter(domain__code="2").order_by("submission__unit__code"))
    before = AuditEvent.objects.count()
    with pytest.raises(
        PermissionDenied, match="Xung đột lợi ích"
    ):  # BTP's own report is in the batch
        reviews_assign(
            plan=[(review, cast["justice_reviewer"]) for review in reviews],
            actor=cast["secretariat"],
        )
    assert not DomainReview.objects.filter(reviewer__isnull=False).exists()
    assert not UserObjectPermission.objects.exists()
    assert AuditEvent.objects.count() == before


def test_distribution_evens_the_loads(cast, campaign, program, orgs):
    second = make_user("thamdinh2.btc", ("reviewer", orgs["BTC"]), program=program)
    first = cast["finance_reviewer"]
    submissions = list(campaign.submissions.filter(level="province").order_by("unit__code")[:6])
    reviews_started(submissions, cast["secretariat"])
    finance = list(DomainReview.objects.filter(organisation__code="BTC").order_by("pk"))
    assert len(finance) == 6
    reviews_assign(
        plan=[(finance[0], first), (finance[1], first)], actor=cast["finance_coordinator"]
    )
    done = reviews_distribute(
        reviews=finance[2:], reviewers=[first, second], actor=cast["finance_coordinator"]
    )
    assert sorted(r.reviewer.username for r in done) == [
        "thamdinh.btc",
        "thamdinh2.btc",
        "thamdinh2.btc",
        "thamdinh2.btc",
    ]
    # 3 and 3 in the end; each holds the guardian grant of exactly their reviews
    for reviewer in (first, second):
        mine = DomainReview.objects.filter(reviewer=reviewer)
        assert mine.count() == 3
        assert all(reviewer.has_perm("appraisal.review_domainreview", r) for r in mine)
    with pytest.raises(ValidationError):
        distribution_plan(finance, [])


@pytest.fixture
def many_reviews(cast, campaign):
    submissions = list(campaign.submissions.filter(level="province").order_by("unit__code")[:9])
    reviews_started(submissions, cast["secretariat"])
    reviews = list(DomainReview.objects.filter(submission__in=submissions).order_by("pk"))
    assert len(reviews) >= 60
    return reviews[:60]


def assignment_queries(reviews, reviewers, actor) -> int:
    with CaptureQueriesContext(connection) as captured:
        reviews_distribute(reviews=reviews, reviewers=reviewers, actor=actor)
    return len(captured.captured_queries)


def test_bulk_assignment_of_60_reviews_keeps_a_constant_query_count(
    cast, many_reviews, orgs, program
):
    """Five reviews and fifty-five cost the same: one locking read, one bulk update, the
    guardian grants in three statements, the audit rows under one lock of the chain's head,
    and one message per reviewer (both batches reach the five ministries' reviewers)."""
    reviewers = [
        cast["finance_reviewer"],
        cast["home_reviewer"],
        cast["justice_reviewer"],
        make_user("thamdinh.vpcp", ("reviewer", orgs["VPCP"]), program=program),
        make_user("thamdinh.bkhcn", ("reviewer", orgs["BKHCN"]), program=program),
    ]
    counts = []
    first_each = {}
    for review in many_reviews:
        first_each.setdefault(review.organisation_id, review)
    few_batch = list(first_each.values())
    assert len(few_batch) == 5
    rest = [r for r in many_reviews if r not in few_batch]
    for batch in (few_batch, rest):
        for user in (*reviewers, cast["secretariat"]):  # as in a fresh request
            forget_grants(user)
            user.__dict__.pop("_notification_preference", None)
        counts.append(assignment_queries(batch, reviewers, cast["secretariat"]))
    few, many = counts
    assert few == many < 35, counts
    assert DomainReview.objects.filter(reviewer__isnull=False).count() == 60
    assert AuditEvent.objects.filter(object_type="domain_review", action="reviewer").count() == 60
    from workflow.audit import verify_chain

    assert list(verify_chain()) == []


# Sharing evenly respects the routing (issue 14, 1) ---------------------------------------


@pytest.fixture
def hanoi_reviews(cast, campaign, program, orgs):
    """Hà Nội's domains 3, 6 and 7 (Government Office, Finance, Science and Technology)."""
    hanoi = campaign.submissions.get(unit__code="01")
    reviews_started([hanoi], cast["secretariat"])
    people = {
        "BTC": cast["finance_reviewer"],
        "BKHCN": make_user("thamdinh.bkhcn", ("reviewer", orgs["BKHCN"]), program=program),
        "VPCP": make_user("thamdinh.vpcp", ("reviewer", orgs["VPCP"]), program=program),
    }
    reviews = list(
        DomainReview.objects.filter(submission=hanoi, domain__code__in=["3", "6", "7"])
        .select_related("organisation", "domain", "submission__unit", "submission__campaign")
        .order_by("domain__code")
    )
    return reviews, people


def test_sharing_evenly_gives_each_domain_to_its_own_ministrys_reviewer(cast, hanoi_reviews):
    reviews, people = hanoi_reviews
    # chosen in an order that would, shared blindly, send 7 to Finance and 6 to S&T
    chosen = [people["BTC"], people["BKHCN"], people["VPCP"]]
    done = reviews_distribute(reviews=reviews, reviewers=chosen, actor=cast["secretariat"])
    given = {r.domain.code: (r.organisation.code, r.reviewer.username) for r in done}
    assert given == {
        "3": ("VPCP", "thamdinh.vpcp"),
        "6": ("BTC", "thamdinh.btc"),
        "7": ("BKHCN", "thamdinh.bkhcn"),
    }


def test_sharing_never_crosses_ministries(cast, hanoi_reviews):
    reviews, people = hanoi_reviews
    with pytest.raises(ValidationError, match="Chia đều chỉ giao trong từng cơ quan"):
        reviews_distribute(
            reviews=reviews, reviewers=[people["BTC"], people["BKHCN"]], actor=cast["secretariat"]
        )
    assert not DomainReview.objects.filter(pk__in=[r.pk for r in reviews], reviewer__isnull=False)


def test_crossing_ministries_one_by_one_needs_the_secretariats_reason(cast, hanoi_reviews):
    reviews, people = hanoi_reviews
    science = reviews[2]
    assert science.organisation.code == "BKHCN"
    with pytest.raises(PermissionDenied, match="cần nêu lý do"):
        review_assign(review=science, reviewer=people["BTC"], actor=cast["secretariat"])
    assert DomainReview.objects.get(pk=science.pk).reviewer is None
    with pytest.raises(PermissionDenied, match="không có quyền"):  # never a coordinator
        review_assign(
            review=science,
            reviewer=people["BTC"],
            actor=cast["finance_coordinator"],
            reason="Xin giao",
        )
    review_assign(
        review=science,
        reviewer=people["BTC"],
        actor=cast["secretariat"],
        reason="Bộ KH&CN thiếu người trong tháng 12",
    )
    row = AuditEvent.objects.get(
        object_type="domain_review", object_id=science.pk, action="reviewer"
    )
    assert "Bộ KH&CN thiếu người" in row.comment


def test_every_reviewer_picker_shows_ministry_and_load(client, cast, hanoi_reviews):
    from django.urls import reverse

    reviews, people = hanoi_reviews
    client.force_login(cast["secretariat"])
    queue = client.get(reverse("review_queue", args=[reviews[0].submission.campaign_id]))
    text = queue.content.decode()
    assert "BKHCN" in text and "VPCP" in text and "việc đang làm" in text
    detail = client.get(reverse("review_detail", args=[reviews[0].pk])).content.decode()
    assert "thamdinh.vpcp" in detail.lower() or "Thamdinh Vpcp" in detail
    assert "VPCP (0 việc đang làm)" in detail
