"""The publication PDFs: Decree 30 layout, Vietnamese numbers, made once per data."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from appraisal.models import Campaign, CouncilSession
from documents.models import CampaignDocument
from documents.publication import ensure_document, publication_keys

pytestmark = pytest.mark.django_db


def text(document) -> str:
    with document.file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


@pytest.fixture
def published(tmp_path, program):
    path = tmp_path / "2025.csv"
    path.write_text(
        "unit_code,appraisal_points,survey_points\n01,61.95,28\nT34-hai-phong,58,30.005\nT34-bac-ninh,50,25\n",
        encoding="utf-8",
    )
    call_command(
        "import_results",
        "--program",
        "national",
        "--year",
        "2025",
        "--level",
        "province",
        str(path),
    )
    return Campaign.objects.get(year=2025)


def test_the_decision_shows_the_ranking_in_vietnamese_format(published):
    document = ensure_document(published.pk, "decision")
    content = text(document)
    assert (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in content and "Độc lập - Tự do - Hạnh phúc" in content
    )
    assert "QUYẾT ĐỊNH" in content and "Nơi nhận" in content and "Phụ lục 1" in content
    assert "89,95" in content  # 61,95 + 28
    assert "88,01" in content  # 88,005 half up


def test_a_document_is_made_once_per_version_of_its_data(published):
    first = ensure_document(published.pk, "year_report")
    name = first.file.name
    again = ensure_document(published.pk, "year_report")
    assert again.file.name == name and CampaignDocument.objects.count() == 1
    assert "Giá trị trung bình Chỉ số CCHC" in text(again)


def test_publication_makes_the_decision_the_report_and_a_sheet_per_unit(published):
    assert publication_keys(published) == [
        "decision",
        "year_report",
        "sheet:01",
        "sheet:T34-bac-ninh",
        "sheet:T34-hai-phong",
    ]
    sheet = ensure_document(published.pk, "sheet:01")
    assert "PHIẾU KẾT QUẢ" in text(sheet) and "89,95" in text(sheet)


def test_the_public_decision_download(client, published):
    url = reverse("results_decision", args=["national", 2025])
    assert client.get(url).status_code == 404  # not made yet
    ensure_document(published.pk, "decision")
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_minutes_of_a_session(cast, published):
    session = CouncilSession.objects.create(
        campaign=published,
        number=1,
        held_on=datetime.date(2026, 3, 10),
        place="Hà Nội",
        minutes="Hội đồng thống nhất kết quả.",
        created_by=cast["secretariat"],
    )
    content = text(ensure_document(published.pk, f"minutes:{session.number}"))
    assert "BIÊN BẢN" in content and "Hội đồng thống nhất kết quả." in content


def test_the_year_page_links_every_published_document(client, published):
    year = reverse("results_year", args=["national", 2025])
    page = client.get(year).content.decode()
    assert "không được lưu trong hệ thống" in page  # an imported year with no documents
    Campaign.objects.filter(pk=published.pk).update(imported=False)
    page = client.get(year).content.decode()
    assert "đang tạo" in page  # a year published here: being made, not a broken link
    ensure_document(published.pk, "decision")
    ensure_document(published.pk, "year_report")
    ensure_document(published.pk, "sheet:01")
    page = client.get(year).content.decode()
    decision = reverse("results_decision", args=["national", 2025])
    report = reverse("results_document", args=["national", 2025, "year_report"])
    assert decision in page and report in page
    for url in (decision, report):
        assert client.get(url)["Content-Type"] == "application/pdf"
    unit = client.get(reverse("results_unit", args=["national", 2025, "01"])).content.decode()
    sheet = reverse("results_document", args=["national", 2025, "sheet:01"])
    assert sheet in unit and client.get(sheet)["Content-Type"] == "application/pdf"
    minutes = reverse("results_document", args=["national", 2025, "minutes:1"])
    assert client.get(minutes).status_code == 404  # the council's minutes are not public
