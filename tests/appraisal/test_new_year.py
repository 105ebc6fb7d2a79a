"""A new year without a shell: the campaign created from a page (frameworks, units in scope,
stage deadlines in working days) or a command; units added and removed; a past year's
results imported from a page with a preview. The same validation everywhere."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from appraisal.models import Campaign, StageDeadline, Submission, UnitResult
from appraisal.selectors.campaigns import STAGE_DAYS_DEFAULT, campaign_candidates, stage_dates
from appraisal.workdays import is_working_day, working_days_between
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db


def _form(ministry_framework, province_framework, **changes):
    data = {
        "year": "2027",
        "name_vi": "",
        "name_en": "",
        "starts_on": "2027-02-01",
        "framework_ministry": ministry_framework.pk,
        "all_ministry": "on",
        "framework_province": province_framework.pk,
        "units_province": ["01", "T34-bac-ninh"],
        **{f"days_{stage}": str(days) for stage, days in STAGE_DAYS_DEFAULT.items()},
        "action": "create",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_stages_follow_each_other_in_working_days():
    dates = stage_dates(datetime.date(2027, 2, 1), dict(STAGE_DAYS_DEFAULT))
    previous_due = None
    for stage, (first, due) in dates.items():
        assert is_working_day(due)
        # the stage's own working days, counting its first day
        assert working_days_between(first, due) + is_working_day(first) == STAGE_DAYS_DEFAULT[stage]
        if previous_due:
            assert first > previous_due
        previous_due = due
    # Tết 2027 (6–10 February) is not counted
    assert dates["self_assessment"][1] > datetime.date(2027, 2, 26)


def test_the_secretariat_creates_a_year_from_the_page(
    client, personas, program, ministry_framework, province_framework
):
    client.force_login(personas["secretariat"])
    url = reverse("campaign_new", args=(program.pk,))
    page = client.get(url).content.decode()
    assert "Tất cả đơn vị được đánh giá của cấp này" in page
    check = client.post(url, _form(ministry_framework, province_framework, action="check"))
    assert check.status_code == 200 and "Kiểm tra trước khi tạo" in check.content.decode()
    assert not Campaign.objects.filter(year=2027).exists()
    response = client.post(url, _form(ministry_framework, province_framework))
    campaign = Campaign.objects.get(program=program, year=2027)
    assert response.status_code == 302 and response["Location"].endswith(
        f"/campaigns/{campaign.pk}/"
    )
    assert campaign.state == "draft" and campaign.name_vi.endswith("2027")
    units = set(campaign.submissions.values_list("unit__code", flat=True))
    ministries = {u.code for u in campaign_candidates(program, "ministry", 2027)}
    assert units == ministries | {"01", "T34-bac-ninh"}
    assert StageDeadline.objects.filter(campaign=campaign).count() == 4
    assert AuditEvent.objects.filter(action="create", object_id=campaign.pk).exists()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"units_province": None, "all_ministry": None}, "Chọn “tất cả đơn vị”"),
        ({"framework_ministry": "", "framework_province": ""}, "ít nhất một cấp"),
        ({"days_review": "0"}, "lớn hơn hoặc bằng với 1"),
        ({"starts_on": "01/02/2027x"}, "Nhập một ngày hợp lệ"),
        ({"year": "2026"}, "đã có đợt đánh giá năm 2026"),
    ],
)
def test_a_bad_year_is_refused_with_its_reason_and_creates_nothing(
    client,
    personas,
    program,
    ministry_framework,
    province_framework,
    campaign_factory,
    changes,
    message,
):
    campaign_factory()  # 2026 exists
    client.force_login(personas["secretariat"])
    before = Campaign.objects.count()
    response = client.post(
        reverse("campaign_new", args=(program.pk,)),
        _form(ministry_framework, province_framework, **changes),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Campaign.objects.count() == before


def test_only_the_secretariat_creates_a_year(client, personas, program):
    client.force_login(personas["manager"])
    assert client.get(reverse("campaign_new", args=(program.pk,))).status_code == 403


def test_units_are_added_and_removed_before_self_assessment(
    client, personas, orgs, campaign_factory
):
    campaign = campaign_factory(units=[orgs["01"], orgs["BTP"]], open_=False)
    client.force_login(personas["secretariat"])
    url = reverse("campaign_units", args=(campaign.pk,))
    client.post(url, {"action": "add", "add-units": ["T34-bac-ninh"]})
    assert campaign.submissions.filter(unit__code="T34-bac-ninh").exists()
    no_reason = client.post(url, {"action": "remove", "remove-units": ["01"]})
    assert no_reason.status_code == 400 and "lý do" in no_reason.content.decode()
    client.post(url, {"action": "remove", "remove-units": ["01"], "remove-reason": "Sáp nhập"})
    assert set(campaign.submissions.values_list("unit__code", flat=True)) == {
        "BTP",
        "T34-bac-ninh",
    }
    assert AuditEvent.objects.filter(action="remove_units", comment="Sáp nhập").exists()


def test_no_unit_is_removed_once_self_assessment_started(client, personas, orgs, campaign_factory):
    campaign = campaign_factory(units=[orgs["01"], orgs["BTP"]])
    client.force_login(personas["secretariat"])
    url = reverse("campaign_units", args=(campaign.pk,))
    response = client.post(url, {"action": "remove", "remove-units": ["01"], "remove-reason": "x"})
    assert response.status_code == 400 and "trước khi mở tự đánh giá" in response.content.decode()
    assert campaign.submissions.count() == 2


def test_the_commands_create_a_year_and_change_its_units(program, ministry_framework):
    call_command(
        "create_campaign",
        "--program=national",
        "--year=2027",
        f"--framework={ministry_framework.code}",
        "--units=BTP,BTC",
        "--starts-on=2027-02-01",
        "--review-days=12",
    )
    campaign = Campaign.objects.get(year=2027)
    assert set(campaign.submissions.values_list("unit__code", flat=True)) == {"BTP", "BTC"}
    call_command("campaign_units", "--program=national", "--year=2027", "--add=BNV")
    call_command(
        "campaign_units", "--program=national", "--year=2027", "--remove=BTC", "--reason=test"
    )
    assert set(campaign.submissions.values_list("unit__code", flat=True)) == {"BTP", "BNV"}
    with pytest.raises(CommandError, match="KHONG"):
        call_command("campaign_units", "--program=national", "--year=2027", "--add=KHONG")
    with pytest.raises(CommandError, match="không thuộc cấp"):
        call_command(
            "create_campaign",
            "--program=national",
            "--year=2028",
            f"--framework={ministry_framework.code}",
            "--units=01",
            "--starts-on=2028-02-01",
        )
    assert not Campaign.objects.filter(year=2028).exists()


def test_past_results_are_previewed_then_imported_from_the_page(client, personas, program):
    client.force_login(personas["secretariat"])
    url = reverse("results_import_page", args=(program.pk,))

    def upload(text):
        file = io.BytesIO(text.encode())
        file.name = "2024.csv"
        return client.post(
            url, {"action": "check", "year": "2024", "level": "province", "file": file}
        )

    bad = upload("unit_name,appraisal_points,survey_points\nKhông Có Tỉnh,50,30\n")
    assert bad.status_code == 400 and "dòng 2" in bad.content.decode()
    good = upload("unit_name,appraisal_points,survey_points\nHà Nội,60,28\nBắc Giang,58,30\n")
    assert good.status_code == 200 and "2 đơn vị" in good.content.decode()
    assert not Campaign.objects.filter(year=2024).exists()  # the preview wrote nothing
    done = client.post(url, {"action": "confirm"})
    assert done.status_code == 302
    campaign = Campaign.objects.get(year=2024, imported=True)
    assert UnitResult.objects.filter(campaign=campaign).count() == 2
    assert Submission.objects.filter(campaign=campaign).count() == 0
