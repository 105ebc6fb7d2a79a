"""The managers' dashboard: deadline status by unit and stage, review loads, risks, export,
and a query count that does not grow with the number of units."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from appraisal.models import DomainReview, SubmissionDeadline
from appraisal.selectors.dashboard import PAGE_SIZE, dashboard
from appraisal.selectors.risks import RISKS_SHOWN
from tests.appraisal.test_page_queries import provinces
from tests.conftest import reviews_started

pytestmark = pytest.mark.django_db
D = datetime.date
HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def test_units_are_on_time_due_soon_or_overdue(cast, campaign_factory, orgs):
    campaign = campaign_factory(units=[orgs["T34-bac-ninh"], orgs["01"], orgs["BTP"]])
    bac_ninh = campaign.submissions.get(unit__code="T34-bac-ninh")
    SubmissionDeadline.objects.create(
        submission=bac_ninh, stage="self_assessment", due_on=D(2027, 2, 26)
    )
    reviews_started([campaign.submissions.get(unit__code="BTP")], cast["secretariat"])
    board = dashboard(campaign, on=D(2027, 1, 13))  # self-assessment due Fri 15/01
    cells = {row.submission.unit.code: row.cells for row in board.rows}
    assert cells["01"][0][1] == "due_soon"
    assert cells["T34-bac-ninh"][0][1] == "on_time"  # its own, extended deadline
    assert cells["BTP"][0][1] == "done"
    later = dashboard(campaign, on=D(2027, 1, 18))
    assert {row.submission.unit.code: row.cells[0][1] for row in later.rows}["01"] == "overdue"
    assert any(r.what == "self_assessment" and r.status == "overdue" for r in later.risks)
    assert {load.organisation.code: load.open for load in later.ministries}["BTC"] == 1
    assert {state: n for state, _label, n in later.funnel}["under_review"] == 1


@pytest.fixture(params=[3, 60], ids=["3-units", "60-units"])
def busy(request, cast, campaign_factory):
    campaign = campaign_factory(units=provinces(request.param))
    # two reports under review, the others (one at least) still self-scoring
    reviews_started(list(campaign.submissions.all()[:2]), cast["secretariat"])
    return campaign


def test_the_dashboard_costs_the_same_for_3_and_60_units(
    client, cast, busy, django_assert_num_queries
):
    client.force_login(cast["manager"])
    # session, user, campaign, role grants, the reports counted by state (which the pages
    # count too), stage deadlines, unit deadlines, a page of reports, their self-scoring
    # progress, the calendar's declared days, the paused reviews due this week, the soonest
    # reviews due, open queries due, pending extension requests (each list counting its
    # whole set beside its rows), late reviews and the review load per ministry, the
    # ministries of the filter
    with django_assert_num_queries(17):
        response = client.get(reverse("campaign_dashboard", args=[busy.pk]))
    units = busy.submissions.count()
    board = response.context["board"]
    assert len(board.rows) == min(units, PAGE_SIZE)
    assert board.totals["units"] == units == sum(n for _s, _l, n in board.funnel)
    assert (
        sum(load.total for load in board.ministries)
        == DomainReview.objects.filter(submission__campaign=busy).count()
    )


def test_every_unit_is_on_a_page_and_in_the_export(client, cast, campaign_factory):
    campaign = campaign_factory(units=provinces(60))
    client.force_login(cast["manager"])
    url = reverse("campaign_dashboard", args=[campaign.pk])
    seen = [
        row.submission.unit.code
        for number in (1, 2)
        for row in client.get(url, {"page": number}).context["board"].rows
    ]
    expected = list(
        campaign.submissions.order_by("level", "unit__code").values_list("unit__code", flat=True)
    )
    assert seen == expected
    book = load_workbook(
        io.BytesIO(client.get(reverse("campaign_dashboard_xlsx", args=[campaign.pk])).content)
    )
    assert [row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)] == (
        expected
    )


def test_risks_beyond_the_list_are_counted(cast, campaign_factory):
    campaign = campaign_factory(units=provinces(60))
    # self-assessment due in two days: every unit is at risk, the first RISKS_SHOWN listed
    board = dashboard(campaign, on=D(2027, 1, 13))
    assert board.risk_count == 60
    assert len(board.risks) == RISKS_SHOWN
    assert board.risks_not_listed == 60 - RISKS_SHOWN
    assert board.totals["due_soon"] == 60


def test_export_and_access(client, cast, campaign):
    client.force_login(cast["bacninh_focal"])
    assert client.get(reverse("campaign_dashboard", args=[campaign.pk])).status_code == 403
    client.force_login(cast["manager"])
    with time_machine.travel(datetime.datetime(2027, 1, 13, 9, tzinfo=HANOI), tick=False):
        client.force_login(cast["manager"])
        response = client.get(reverse("campaign_dashboard_xlsx", args=[campaign.pk]))
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == campaign.submissions.count() + 1
    assert any("Sắp đến hạn" in str(cell) for row in rows for cell in row)
    assert DomainReview.objects.count() == 0


def test_self_assessment_shows_each_units_completion_and_every_risk_says_what_it_is(
    client, cast, campaign_factory, orgs
):
    from appraisal.models import ExtensionRequest, ScoreItem

    campaign = campaign_factory(units=[orgs["T34-bac-ninh"], orgs["01"]])
    bac_ninh = campaign.submissions.get(unit__code="T34-bac-ninh")
    items = list(bac_ninh.items.filter(scoring_mode="self", applicable=True).order_by("position"))
    ScoreItem.objects.filter(pk__in=[i.pk for i in items[: len(items) // 2]]).update(self_score=0)
    ExtensionRequest.objects.create(
        submission=bac_ninh,
        target="stage",
        current_due=D(2027, 1, 15),
        proposed_due=D(2027, 1, 29),
        reason="Sáp nhập đơn vị",
        requested_by=cast["bacninh_focal"],
    )
    board = dashboard(campaign, on=D(2027, 1, 13))
    percent = {row.submission.unit.code: row.percent for row in board.rows}
    assert percent == {"T34-bac-ninh": 100 * (len(items) // 2) // len(items), "01": 0}
    kinds = {risk.what: risk.kind for risk in board.risks}
    assert kinds["self_assessment"] == "Tự đánh giá của đơn vị"
    assert kinds["extension"] == "Đề nghị gia hạn chờ quyết định"
    with time_machine.travel(datetime.datetime(2027, 1, 13, 9, tzinfo=HANOI)):
        client.force_login(cast["manager"])
        page = client.get(reverse("campaign_dashboard", args=[campaign.pk])).content.decode()
    assert f"đã chấm {percent['T34-bac-ninh']} %" in page and "đã chấm 0 %" in page
    assert "Đề nghị gia hạn chờ quyết định" in page


def test_reviews_and_queries_at_risk_are_named_by_unit_and_domain(cast, campaign_factory, orgs):
    from workflow.services.assignments import review_assign
    from workflow.services.campaigns import campaign_set_deadline
    from workflow.services.queries import query_raise
    from workflow.services.reviews import review_start

    campaign = campaign_factory(units=[orgs["T34-bac-ninh"], orgs["01"]])
    campaign_set_deadline(
        campaign=campaign,
        stage="review",
        starts_on=D(2027, 2, 1),
        due_on=D(2027, 3, 5),
        actor=cast["secretariat"],
    )
    bac_ninh = campaign.submissions.get(unit__code="T34-bac-ninh")
    reviews_started([bac_ninh], cast["secretariat"])
    finance = DomainReview.objects.get(submission=bac_ninh, domain__code="6")
    review_assign(
        review=finance, reviewer=cast["finance_reviewer"], actor=cast["finance_coordinator"]
    )
    finance = review_start(review=finance, actor=cast["finance_reviewer"])
    item = bac_ninh.items.filter(domain_id=finance.domain_id, scoring_mode="self").first()
    query = query_raise(
        review=finance,
        items=[item],
        question="?",
        due_on=D(2027, 3, 3),
        actor=cast["finance_reviewer"],
    )
    board = dashboard(campaign, on=D(2027, 3, 2))
    by_kind: dict[str, list] = {}
    for risk in board.risks:
        by_kind.setdefault(risk.what, []).append(risk)
    unit = bac_ninh.unit.name
    assert [(r.title, r.url_args, r.due) for r in by_kind["query"]] == [
        (f"{unit} — 6", (query.pk,), D(2027, 3, 3))
    ]
    waiting_reviews = DomainReview.objects.filter(submission=bac_ninh).exclude(pk=finance.pk)
    assert sorted(r.title for r in by_kind["review"]) == sorted(
        f"{unit} — {r.domain.code}. {r.domain.name}" for r in waiting_reviews
    )
    assert board.risk_count == len(board.risks)
