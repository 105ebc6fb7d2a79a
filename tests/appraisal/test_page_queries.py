"""List pages and the framework browser cost the same number of queries at 3 and 60 units."""

import pytest
from django.urls import reverse

from appraisal.models import Framework, Organisation
from workflow.services.units import units_load

pytestmark = pytest.mark.django_db

HEADER = "code,name_vi,name_en,kind,region,assessed,ranked,valid_from,valid_to,predecessors\n"


def provinces(count: int) -> list[Organisation]:
    """`count` extra provinces, each formed from the one before it (so every row has lineage)."""
    rows = [
        f"Z{n:03},Tỉnh thử {n},Test {n},province,DBSH,yes,yes,2025-07-01,,{f'Z{n - 1:03}' if n > 1 else ''}\n"
        for n in range(1, count + 1)
    ]
    units_load(data=(HEADER + "".join(rows)).encode())
    return list(Organisation.objects.filter(code__startswith="Z").order_by("code"))


@pytest.fixture(params=[3, 60], ids=["3-units", "60-units"])
def campaign(request, campaign_factory):
    units = provinces(request.param)
    campaign_factory(year=2025, units=units[:2])  # a second campaign, so the list has rows to count
    return campaign_factory(units=units)


def test_campaign_list(client, personas, campaign, django_assert_num_queries):
    client.force_login(personas["secretariat"])
    # session, user, role grants, the count of campaigns, a page of campaigns with counts
    # (one aggregate query), the programs the secretariat may create a year in
    with django_assert_num_queries(6):
        assert client.get(reverse("campaign_list")).status_code == 200


def test_home(client, personas, campaign, django_assert_num_queries):
    client.force_login(personas["bacninh_focal"])
    # session, user, role grants (menu), the user's roles with programs, campaigns with counts
    with django_assert_num_queries(5):
        assert client.get(reverse("home")).status_code == 200


def test_campaign_detail(client, personas, campaign, django_assert_num_queries):
    client.force_login(personas["secretariat"])
    # session, user, campaign+program, role grants, state counts, page count, page of
    # submissions with units, frameworks, deadlines
    with django_assert_num_queries(9):
        response = client.get(reverse("campaign_detail", args=[campaign.pk]))
    assert response.status_code == 200
    assert response.context["total"] == campaign.submissions.count()


def test_framework_list(client, personas, campaign, django_assert_num_queries):
    client.force_login(personas["manager"])
    # session, user, role grants, frameworks with their counts
    with django_assert_num_queries(4):
        assert client.get(reverse("framework_list")).status_code == 200


def test_framework_browser(client, personas, campaign, django_assert_num_queries):
    framework = Framework.objects.get(code="tinh-876-mau")
    client.force_login(personas["finance_reviewer"])
    # session, user, framework+program, role grants, every node with its owner
    with django_assert_num_queries(5):
        response = client.get(reverse("framework_detail", args=[framework.pk]))
    assert response.status_code == 200
    assert len(response.context["tree"]) == 8


def test_organisation_list(client, personas, campaign, django_assert_num_queries):
    client.force_login(personas["bacninh_leader"])
    # session, user, role grants, count, page of organisations with parents,
    # predecessor links, successor links
    with django_assert_num_queries(7):
        response = client.get(reverse("organisation_list"), {"kind": "province"})
    assert response.status_code == 200
