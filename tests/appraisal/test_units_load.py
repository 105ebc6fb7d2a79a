"""Loading the organisations of the national program with their lineage."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from appraisal.models import Organisation, OrganisationLineage
from appraisal.problems import ProblemsError
from tests.conftest import DATA_DIR
from workflow.services.units import units_load

pytestmark = pytest.mark.django_db


def test_the_reference_file_is_loaded_with_both_generations(orgs):
    assert len(orgs) == 108
    assert sum(1 for o in orgs.values() if o.kind == "province") == 63 + 23
    ministry = orgs["BNNMT"]
    assert ministry.valid_from == datetime.date(2025, 3, 1) and ministry.ranked == "unknown"
    assert orgs["VPCP"].assessed is False
    assert orgs["TTCP"].ranked == "no"


def test_lineage_of_a_merged_province_and_an_absorbing_ministry(orgs):
    phu_tho = {
        link.predecessor.code: link.effective_on
        for link in orgs["T34-phu-tho"].predecessor_links.all()
    }
    assert phu_tho == {
        "25": datetime.date(2025, 7, 1),
        "26": datetime.date(2025, 7, 1),
        "17": datetime.date(2025, 7, 1),
    }
    finance = {
        link.predecessor.code: link.effective_on for link in orgs["BTC"].predecessor_links.all()
    }
    assert finance == {"BKHDT": datetime.date(2025, 3, 1)}
    assert [link.successor.code for link in orgs["27"].successor_links.all()] == ["T34-bac-ninh"]


def test_a_merged_province_takes_the_region_of_its_first_predecessor(orgs):
    assert orgs["T34-bac-ninh"].region == "DBSH"  # 27 Bắc Ninh
    assert orgs["T34-quang-ngai"].region == "BTB-DHMT"  # 51 Quảng Ngãi, with 62 Kon Tum (TN)


def test_loading_twice_changes_nothing(orgs, capsys):
    call_command("load_units")
    assert "0 created, 0 updated, 108 unchanged, 0 lineage links added" in capsys.readouterr().out
    assert Organisation.objects.count() == 108


def test_a_changed_row_is_updated(orgs):
    data = (
        (DATA_DIR / "units.csv").read_bytes().replace("Bộ Y tế".encode(), "Bộ Y tế (mới)".encode())
    )
    result = units_load(data=data)
    assert (result.created, result.updated) == (0, 1)
    assert Organisation.objects.get(code="BYT").name_vi == "Bộ Y tế (mới)"


HEADER = "code,name_vi,name_en,kind,region,assessed,ranked,valid_from,valid_to,predecessors\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("X1,Tên,,planet,,yes,yes,,,\n", "planet"),
        ("X1,Tên,,province,MARS,yes,yes,,,\n", "MARS"),
        ("X1,Tên,,province,,maybe,yes,,,\n", "assessed"),
        ("X1,Tên,,province,,yes,yes,2025-13-01,,\n", "2025-13-01"),
        ("X1,Tên,,province,,yes,yes,2025-07-01,2025-01-01,\n", "valid_from"),
        ("X1,Tên,,province,,yes,yes,2025-07-01,,NOPE\n", "NOPE"),
        ("X1,Tên,,province,,yes,yes,,,BTP\n", "BTP"),
        ("X1,Tên,,province,,yes,yes,,,\nX1,Khác,,province,,yes,yes,,,\n", "trùng"),
        ("X1,,,province,,yes,yes,,,\n", "tên tiếng Việt"),
        ("X1,Tên,,province,,yes,yes,,,,extra\n", "nhiều cột"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_written(orgs, body, expected):
    with pytest.raises(ProblemsError) as error:
        units_load(data=(HEADER + "BTP,Bộ Tư pháp (sửa),,ministry,,yes,yes,,,\n" + body).encode())
    assert any(expected in str(p) and "dòng 3" in str(p) for p in error.value.problems), (
        error.value.problems
    )
    assert Organisation.objects.get(code="BTP").name_vi == "Bộ Tư pháp"
    assert not Organisation.objects.filter(code="X1").exists()


def test_unknown_columns_and_wrong_encoding(orgs, tmp_path):
    with pytest.raises(ProblemsError) as error:
        units_load(data=HEADER.replace("region", "zone").encode())
    texts = [str(p) for p in error.value.problems]
    assert any("zone" in t for t in texts) and any("region" in t for t in texts)
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "X1,Bộ,,ministry,,yes,yes,,,\n").encode("utf-16"))
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("load_units", str(path))
    assert OrganisationLineage.objects.count() == 59  # 7 ministry links + 52 province links
