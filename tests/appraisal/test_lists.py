"""The working lists (issue 15): search, sort by a column, filters kept in the URL and the
pagination, at a constant number of queries; the secretariat sends many reports into review
at once."""

import pytest
from django.urls import reverse

from appraisal.models import Submission
from tests.appraisal.test_page_queries import provinces
from tests.appraisal.test_review_page_queries import reviewing  # noqa: F401
from tests.conftest import fill_self_scores
from workflow.services.campaign_stages import campaign_start_review

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "thử 1", "sort": "-name"},
        {"state": "draft", "sort": "updated", "level": "province"},
    ],
    ids=["plain", "search-sorted", "filtered"],
)
def test_the_campaigns_reports_list_costs_the_same_whatever_the_filters(
    client, personas, campaign_factory, django_assert_num_queries, params
):
    campaign = campaign_factory(units=provinces(30))
    client.force_login(personas["secretariat"])
    with django_assert_num_queries(9):
        response = client.get(reverse("campaign_detail", args=[campaign.pk]), params)
    assert response.status_code == 200


def test_the_reports_list_searches_and_sorts(client, personas, campaign_factory):
    campaign = campaign_factory(units=provinces(30))
    client.force_login(personas["secretariat"])
    url = reverse("campaign_detail", args=[campaign.pk])
    found = list(client.get(url, {"q": "thử 2"}).context["page"])
    assert len(found) == 11 and all("thử 2" in s.unit.name_vi for s in found)  # 2, 20–29
    names = [s.unit.name_vi for s in client.get(url, {"sort": "-name"}).context["page"]]
    assert names == sorted(names, reverse=True)
    page = client.get(url, {"q": "a", "sort": "-code"}).content.decode()
    assert "q=a&amp;sort=code" in page  # the header turns the order, keeping the search


def test_the_review_queue_finds_a_unit_and_sorts(client, cast, reviewing):  # noqa: F811
    client.force_login(cast["secretariat"])
    url = reverse("review_queue", args=[reviewing.pk])
    unit = reviewing.submissions.select_related("unit").first().unit
    found = client.get(url, {"state": "all", "unit": unit.code}).context["reviews"]
    assert found and {r.submission.unit_id for r in found} == {unit.pk}
    by_unit = client.get(url, {"state": "all", "sort": "-unit"}).context["reviews"]
    names = [r.submission.unit.name_vi for r in by_unit]
    assert names == sorted(names, reverse=True)


def test_the_review_queue_costs_the_same_with_a_search(
    client,
    cast,
    reviewing,  # noqa: F811
    django_assert_num_queries,
):
    client.force_login(cast["finance_coordinator"])
    with django_assert_num_queries(10):
        client.get(
            reverse("review_queue", args=[reviewing.pk]),
            {"state": "all", "unit": "T", "sort": "reviewer"},
        )


def test_many_reports_go_into_review_at_once_or_none(client, cast, campaign_factory):
    campaign = campaign_factory(units=provinces(5))
    submissions = list(campaign.submissions.order_by("unit__code"))
    for submission in submissions:
        fill_self_scores(submission)
    Submission.objects.filter(pk__in=[s.pk for s in submissions[:4]]).update(state="submitted")
    campaign_start_review(campaign=campaign, actor=None)
    client.force_login(cast["secretariat"])
    detail = reverse("campaign_detail", args=[campaign.pk])
    page = client.get(detail, {"state": "submitted"}).content.decode()
    assert "Chuyển thẩm định các hồ sơ đã chọn" in page
    url = reverse("campaign_start_reviews", args=[campaign.pk])
    # one of them is not submitted: nothing moves, the refusal names it
    client.post(url, {"submission": [s.pk for s in submissions]})
    assert Submission.objects.filter(campaign=campaign, state="under_review").count() == 0
    client.post(url, {"submission": [s.pk for s in submissions[:4]]})
    assert Submission.objects.filter(campaign=campaign, state="under_review").count() == 4
    client.force_login(cast["manager"])
    assert client.post(url, {"submission": [submissions[4].pk]}).status_code == 403


def test_the_audit_log_page_filters_and_its_csv_follows(client, personas, orgs, program):
    from tests.conftest import make_user
    from workflow.services.roles import role_grant

    client.force_login(personas["secretariat"])
    someone = make_user("nguoimoi", program=program)
    role_grant(
        user=someone,
        program=program,
        role="reviewer",
        organisation=orgs["BTC"],
        actor=personas["secretariat"],
    )
    url = reverse("audit_list", args=[program.pk])
    page = client.get(url).content.decode()
    assert "nguoimoi:reviewer@BTC" in page
    only_grants = client.get(url, {"kind": "role_grant", "q": "nguoimoi"})
    assert only_grants.context["page"].paginator.count == 1
    csv = b"".join(
        client.get(reverse("audit_export", args=[program.pk]), {"q": "nguoimoi"}).streaming_content
    ).decode()
    assert csv.count("\n") == 2 and "nguoimoi" in csv  # the header and the one row
    assert client.get(url, {"since": "không phải ngày"}).status_code == 400
    client.force_login(personas["manager"])
    assert client.get(url).status_code == 403


def test_notifications_are_searched_and_filtered(client, personas):
    from notifications.services import notify

    user = personas["bacninh_focal"]
    for title in ("Bắc Ninh — 2026", "Hà Nội — 2026"):
        notify(recipient=user, kind="submission_returned", context={"title": title})
    client.force_login(user)
    url = reverse("notification_list")
    assert client.get(url, {"q": "Hà Nội"}).context["page"].paginator.count == 1
    assert client.get(url, {"q": "trả lại"}).context["page"].paginator.count == 2
    assert client.get(url, {"show": "unread"}).context["page"].paginator.count == 2
    oldest = client.get(url, {"sort": "old"}).context["page"][0]
    newest = client.get(url).context["page"][0]
    assert oldest.pk < newest.pk


def test_the_units_list_sorts_by_any_column(client, personas):
    client.force_login(personas["manager"])
    url = reverse("organisation_list")
    codes = [o.code for o in client.get(url, {"sort": "-code"}).context["page"]]
    assert codes == sorted(codes, reverse=True)
    names = [
        o.name_vi for o in client.get(url, {"sort": "name", "kind": "ministry"}).context["page"]
    ]
    assert names == sorted(names)


def test_the_matrix_finds_a_unit(client, cast, reviewing):  # noqa: F811
    client.force_login(cast["secretariat"])
    unit = reviewing.submissions.select_related("unit").first().unit
    response = client.get(reverse("review_matrix", args=[reviewing.pk]), {"unit": unit.code})
    assert [row.submission.unit_id for row in response.context["matrix"].rows] == [unit.pk]
