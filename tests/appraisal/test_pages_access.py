"""Who can reach which page: anonymous → login, outsiders → 404, each role its pages."""

import pytest
from django.urls import reverse

from appraisal.models import Framework
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(campaign_factory):
    return campaign_factory()


def pages(campaign) -> list[str]:
    framework = Framework.objects.get(code="bo-876-mau")
    return [
        reverse("home"),
        reverse("campaign_list"),
        reverse("campaign_detail", args=[campaign.pk]),
        reverse("framework_list"),
        reverse("framework_detail", args=[framework.pk]),
        reverse("framework_export", args=[framework.pk, "yaml"]),
        reverse("framework_export", args=[framework.pk, "xlsx"]),
        reverse("organisation_list"),
        reverse("password_change"),
    ]


def test_anonymous_visitors_are_sent_to_login(client, campaign):
    for url in [*pages(campaign), reverse("framework_upload")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_login_page_and_login(client, personas):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()
    response = client.post(reverse("login"), {"username": "thuky", "password": "wrong"})
    assert response.status_code == 200 and "Đăng nhập" in response.content.decode()
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("login"), {"username": "thuky", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")


@pytest.mark.parametrize(
    "persona",
    [
        "secretariat",
        "manager",
        "chair",
        "finance_reviewer",
        "bacninh_focal",
        "bacninh_leader",
        "admin",
    ],
)
def test_every_role_reaches_its_pages(client, personas, campaign, persona):
    client.force_login(personas[persona])
    for url in pages(campaign):
        assert client.get(url).status_code == 200, (persona, url)


def test_an_outsider_sees_no_campaign_and_no_framework(client, personas, campaign):
    client.force_login(personas["outsider"])
    framework = Framework.objects.get(code="bo-876-mau")
    assert client.get(reverse("campaign_detail", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("framework_detail", args=[framework.pk])).status_code == 404
    assert client.get(reverse("framework_export", args=[framework.pk, "yaml"])).status_code == 404
    assert campaign.name_vi not in client.get(reverse("campaign_list")).content.decode()
    assert client.get(reverse("framework_upload")).status_code == 403


def test_a_unit_sees_only_its_own_submission(client, personas, campaign):
    client.force_login(personas["bacninh_focal"])
    body = client.get(reverse("campaign_detail", args=[campaign.pk])).content.decode()
    assert "T34-bac-ninh" in body
    assert "T34-ho-chi-minh" not in body and "BTP" not in body.split("Hồ sơ")[1]
    client.force_login(personas["secretariat"])
    body = client.get(reverse("campaign_detail", args=[campaign.pk])).content.decode()
    assert "T34-bac-ninh" in body and "T34-ho-chi-minh" in body


def test_navigation_shows_what_the_role_allows(client, personas, campaign):
    client.force_login(personas["bacninh_focal"])
    body = client.get(reverse("home")).content.decode()
    assert reverse("framework_upload") not in body and reverse("admin:index") not in body
    assert "Cán bộ đầu mối của đơn vị" in body
    client.force_login(personas["secretariat"])
    body = client.get(reverse("home")).content.decode()
    assert reverse("framework_upload") in body and reverse("admin:index") not in body
    client.force_login(personas["admin"])
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()


def test_campaign_filters_and_bad_filter_values(client, personas, campaign):
    client.force_login(personas["secretariat"])
    url = reverse("campaign_detail", args=[campaign.pk])
    body = client.get(url, {"level": "ministry"}).content.decode()
    assert "BTP" in body and "T34-bac-ninh" not in body
    response = client.get(url, {"level": "galaxy", "state": "<script>", "page": "x"})
    assert response.status_code == 200  # an unknown filter is ignored, never a server error
    assert "<script>" not in response.content.decode()


def test_export_rejects_an_unknown_format(client, personas):
    client.force_login(personas["secretariat"])
    framework = Framework.objects.get(code="bo-876-mau")
    assert client.get(reverse("framework_export", args=[framework.pk, "pdf"])).status_code == 404
    response = client.get(reverse("framework_export", args=[framework.pk, "yaml"]))
    assert response["Content-Disposition"] == 'attachment; filename="bo-876-mau.yaml"'
    assert response.content.startswith("# Bộ chỉ số".encode())


def test_password_change(client, personas):
    client.force_login(personas["bacninh_focal"])
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Một-mật-khẩu-mới-2026",
            "new_password2": "Một-mật-khẩu-mới-2026",
        },
    )
    assert response.status_code == 302
    personas["bacninh_focal"].refresh_from_db()
    assert personas["bacninh_focal"].check_password("Một-mật-khẩu-mới-2026")


def test_logout_is_post_only(client, personas):
    client.force_login(personas["manager"])
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302
