"""Issue 14, 6: a unit renamed without a merger keeps its former names with their dates; each
year's pages and documents name it as it was named that year; past results match former
names. The interface is Vietnamese unless the person chose English."""

import datetime
import io

import pytest
from django.urls import reverse

from appraisal.models import Organisation
from tests.conftest import DATA_DIR
from workflow.services.results import results_import

pytestmark = pytest.mark.django_db


def test_no_english_inside_a_vietnamese_name(program):
    names = list(Organisation.objects.values_list("name_vi", flat=True))
    assert not [name for name in names if " until " in name or "(" in name]
    hue = Organisation.objects.get(code="46")
    assert hue.name_vi == "Thành phố Huế"
    assert hue.name_in(2024) == "Tỉnh Thừa Thiên Huế"
    assert hue.name_in(2025) == "Thành phố Huế"
    assert hue.name_in(2024, "en") == "Thua Thien Hue Province"


def test_past_results_match_a_former_name_and_show_it(client, program, personas):
    # 2024: the 63 provinces; Huế by the name it bore then
    rows = ["unit_code,unit_name,appraisal_points,survey_points"]
    for org in Organisation.objects.filter(kind="province", assessed=True).order_by("code"):
        if not org.is_valid_on(datetime.date(2024, 12, 31)):
            continue
        # Huế found by the name it bore in 2024, the others by code
        rows.append(",Tỉnh Thừa Thiên Huế,55,30" if org.code == "46" else f"{org.code},,55,30")
    imported = results_import(
        program=program,
        year=2024,
        level="province",
        data="\n".join(rows).encode(),
        filename="2024.csv",
        actor=personas["secretariat"],
    )
    page = client.get(reverse("results_year", args=["national", 2024])).content.decode()
    assert "Tỉnh Thừa Thiên Huế" in page and "Thành phố Huế" not in page
    csv = client.get(reverse("results_csv", args=["national", 2024])).content.decode()
    assert "Tỉnh Thừa Thiên Huế" in csv and "until" not in csv
    unit = client.get(reverse("results_unit", args=["national", 2024, "46"])).content.decode()
    assert "Tỉnh Thừa Thiên Huế" in unit
    assert imported.campaign.results.filter(unit__code="46").exists()
    # an imported year says plainly that its documents are not held here
    assert "không được lưu trong hệ thống" in page
    decision = client.get(reverse("results_decision", args=["national", 2024]))
    assert decision.status_code == 404
    assert "không được lưu trong hệ thống" in decision.content.decode()


def test_the_interface_is_vietnamese_unless_english_was_chosen(client, settings):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "vi" and 'lang="vi"' in page.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="vi")
    assert page["Content-Language"] == "en"


def test_the_shipped_units_file_is_the_reference(program):
    shipped = (DATA_DIR / "units.csv").read_bytes()
    assert b" until " not in shipped
    assert io.BytesIO(shipped).read().startswith(b"code,name_vi")
