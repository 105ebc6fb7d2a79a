"""Published results for everyone: pages and downloads, and nothing before publication."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def load(tmp_path, year: int, text: str) -> None:
    """A year's published results, imported as the secretariat imports them."""
    path = tmp_path / f"{year}.csv"
    path.write_text(text, encoding="utf-8")
    call_command(
        "import_results",
        "--program",
        "national",
        "--year",
        str(year),
        "--level",
        "province",
        str(path),
    )


@pytest.fixture
def two_years(tmp_path, program):
    load(
        tmp_path,
        2024,
        "unit_name,appraisal_points,survey_points\nHà Nội,60,28\nHải Phòng,57.5,30.1\nHà Giang,50,25\n",
    )
    load(
        tmp_path,
        2025,
        "unit_code,appraisal_points,survey_points,domain_1,domain_1_max\n"
        "01,61,28.5,9.5,10\nT34-hai-phong,58.0,30.005,8,10\nT34-bac-ninh,62,26.005,7.25,10\n",
    )


def test_the_year_page_ranks_with_groups_changes_and_charts(client, two_years):
    response = client.get(reverse("results_year", args=["national", 2025]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "89,50" in body  # Hà Nội 61 + 28.5, in Vietnamese format
    assert "▲ 1,50" in body  # against 88,00 in 2024
    assert "đơn vị mới" in body  # Bắc Ninh and Hải Phòng after the 2025 mergers
    assert "<svg" in body and "Giá trị trung bình" in body
    levels = response.context["levels"]
    ranking = [(row.result.unit.code, row.result.rank) for row in levels[0].page_ranked]
    # both at 88.005 → 88,01: they share the second rank
    assert ranking == [("01", 1), ("T34-bac-ninh", 2), ("T34-hai-phong", 2)]


def test_csv_has_the_published_columns(client, two_years):
    response = client.get(reverse("results_csv", args=["national", 2025]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "level",
        "rank",
        "unit_code",
        "unit_name",
        "appraisal_points",
        "survey_points",
        "total_points",
        "max_points",
        "index",
        "group",
        "ranked",
        "change",
    ]
    assert rows[1] == [
        "province",
        "1",
        "01",
        "Thành phố Hà Nội",
        "61.00",
        "28.50",
        "89.50",
        "100.00",
        "89.50",
        "B",
        "yes",
        "1.50",
    ]
    # 58 + 30.005 = 88.005: shown 88.01 (half up), total and index from unrounded values
    assert rows[3][1:2] + rows[3][4:10] == ["2", "58.00", "30.01", "88.01", "100.00", "88.01", "B"]
    assert rows[3][-1] == ""  # a new unit has no change


def test_xlsx_holds_the_same_numbers(client, two_years):
    response = client.get(reverse("results_xlsx", args=["national", 2025]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:4] == ("Cấp", "Thứ hạng", "Mã đơn vị", "Tên đơn vị")
    assert values[1][0] == "Cấp tỉnh" and values[1][10] in ("có", "không")
    assert values[1][2] == "01" and values[1][8] == pytest.approx(89.5)


def test_the_csv_for_excel_opens_in_a_vietnamese_excel(client, two_years):
    response = client.get(reverse("results_excel_csv", args=["national", 2025]))
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # the byte order mark: Excel reads the accents
    lines = body[1:].splitlines()
    assert lines[0].split(";")[:4] == ["Cấp", "Thứ hạng", "Mã đơn vị", "Tên đơn vị"]
    hanoi = next(line.split(";") for line in lines if ";01;" in line)
    assert hanoi[0] == "Cấp tỉnh" and hanoi[8] == "89,50"  # a decimal comma
    assert response["Content-Disposition"].endswith('excel.csv"')
    # the machine-readable CSV keeps its columns
    machine = client.get(reverse("results_csv", args=["national", 2025])).content.decode()
    assert machine.splitlines()[0].startswith("level,rank,unit_code,unit_name")


def test_the_unit_page_shows_components_and_history(client, two_years):
    response = client.get(reverse("results_unit", args=["national", 2025, "01"]))
    body = response.content.decode()
    assert response.status_code == 200 and "95,00" in body  # domain 1: 9.5 of 10
    assert [r.campaign.year for r in response.context["history"]] == [2024, 2025]


def test_nothing_is_public_before_publication(client, campaign):
    for name, args in (
        ("results_year", ["national", campaign.year]),
        ("results_csv", ["national", campaign.year]),
        ("results_xlsx", ["national", campaign.year]),
        ("results_unit", ["national", campaign.year, "01"]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404
    assert str(campaign.year) not in client.get(reverse("results_index")).content.decode()


def test_the_year_page_costs_the_same_for_any_number_of_units(
    client, two_years, django_assert_num_queries
):
    url = reverse("results_year", args=["national", 2025])
    client.get(url)  # the level's figures are computed once and kept
    # session lookup is skipped for anonymous visitors: campaign, the stored results' stamp,
    # the level's figures from the cache, the count of the level's units, a page of them with
    # the former names of renamed units, which of the year's documents are made
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200


def test_the_figures_follow_results_stored_again(client, two_years, tmp_path):
    """An imported year imported again: its figures are computed again, not read stale."""
    url = reverse("results_year", args=["national", 2025])
    before = client.get(url).context["levels"][0].average
    load(tmp_path, 2025, "unit_code,appraisal_points,survey_points\n01,40,20\n")
    after = client.get(url).context["levels"][0]
    assert after.count == 1 and after.average != before


def test_the_landing_page_gives_the_years_figures_and_finds_a_unit(client, two_years):
    page = client.get(reverse("results_index")).content.decode()
    assert "Cấp tỉnh" in page and "năm 2025" in page
    assert "trung bình của 3 đơn vị" in page
    assert "Dẫn đầu" in page and "Thấp nhất" in page
    found = client.get(reverse("results_index"), {"q": "hải phòng"}).content.decode()
    assert "/results/national/2025/T34-hai-phong/" in found
    assert "/results/national/2025/01/" not in found.split("Cấp tỉnh")[0]
    none = client.get(reverse("results_index"), {"q": "không có đâu"}).content.decode()
    assert "Không tìm thấy đơn vị nào." in none


def test_the_unit_page_charts_the_years_and_compares_with_the_averages(client, two_years):
    response = client.get(reverse("results_unit", args=["national", 2025, "01"]))
    body = response.content.decode()
    assert body.count("<polyline") == 1  # 2024 and 2025 on a line
    assert "Trung bình Cấp tỉnh" in body
    assert response.context["comparison"]["level_average"] is not None


def test_the_year_page_shows_a_page_of_a_long_ranking(client, two_years, monkeypatch):
    """The level's figures are the whole level's; its table and chart show a page of it."""
    monkeypatch.setattr("appraisal.views.public.YEAR_PAGE", 2)
    url = reverse("results_year", args=["national", 2025])
    first = client.get(url)
    [level] = first.context["levels"]
    assert [row.result.unit.code for row in level.page_ranked] == ["01", "T34-bac-ninh"]
    assert sum(level.groups.values()) == 3  # the groups count every unit
    body = first.content.decode()
    assert "Trang 1/2 · 3 đơn vị" in body and "Hải Phòng" not in body.split("<svg")[0]
    second = client.get(url, {"p-province": 2})
    [level] = second.context["levels"]
    assert [row.result.unit.code for row in level.page_ranked] == ["T34-hai-phong"]
    assert level.page_ranked[0].result.rank == 2
