"""The publication PDFs: Decree 30 layout, Vietnamese numbers, made once per data."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from appraisal.models import Campaign, CouncilSession
from documents.certificates import write_demo_signers
from documents.models import CampaignDocument
from documents.publication import ensure_document, publication_keys
from workflow.services.council import (
    council_member_add,
    council_session_close,
    council_session_minutes,
)

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
    assert "QUYẾT ĐỊNH" in content and "Nơi nhận" in content and "Phụ lục I" in content
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


def test_the_minutes_record_the_meeting_its_people_and_who_signs(cast, published, orgs):
    """When it began and ended, who was there and who was not, what was concluded for each
    unit on the day, and the secretary's and the chair's names under their signatures."""
    chair = council_member_add(
        campaign=published,
        user=cast["chair"],
        position="chair",
        organisation=orgs["BNV"],
        actor=None,
    )
    secretary = council_member_add(
        campaign=published,
        user=cast["secretariat"],
        position="secretary",
        organisation=orgs["BNV"],
        actor=None,
    )
    away = council_member_add(
        campaign=published,
        user=cast["finance_member"],
        position="member",
        organisation=orgs["BTC"],
        actor=None,
    )
    session = CouncilSession.objects.create(
        campaign=published,
        number=1,
        held_on=datetime.date(2026, 3, 5),
        place="Hà Nội",
        created_by=cast["secretariat"],
    )
    with pytest.raises(ValidationError):  # ends before it begins: refused, nothing written
        council_session_minutes(
            session=session,
            minutes="x",
            actor=cast["secretariat"],
            starts_at=datetime.time(10),
            ends_at=datetime.time(9),
        )
    council_session_minutes(
        session=session,
        minutes="Hội đồng thống nhất.",
        actor=cast["secretariat"],
        starts_at=datetime.time(8, 30),
        ends_at=datetime.time(11, 15),
        absent=[away],
    )
    content = text(ensure_document(published.pk, "minutes:1"))
    assert "08 giờ 30, ngày 05 tháng 3 năm 2026" in content
    assert "kết thúc lúc 11 giờ 15" in content
    assert "Có mặt: 2/3" in content and "Vắng mặt:" in content
    present, absent = content.split("Vắng mặt:")[0], content.split("Vắng mặt:")[1]
    assert cast["finance_member"].get_full_name() in absent.split("II. NỘI DUNG")[0]
    assert cast["chair"].get_full_name() in present
    signatures = content.split("THƯ KÝ HỘI ĐỒNG")[-1]
    assert secretary.user.get_full_name() in signatures and chair.user.get_full_name() in signatures
    assert "DỰ THẢO" not in content  # minutes record a meeting: never a draft


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


# Decree 30's layout, read off the PDF's own text runs and their positions -----------------


def runs(document, number: int) -> tuple[list[tuple[str, float, float, str]], float, float]:
    """The text runs of page `number` (from 1): (text, x, y, font), and the page's size."""
    with document.file.open("rb") as handle:
        page = PdfReader(io.BytesIO(handle.read())).pages[number - 1]
    found = []

    def visit(text, cm, tm, font, _size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x, y, str((font or {}).get("/BaseFont", ""))))

    page.extract_text(visitor_text=visit)
    return found, float(page.mediabox.width), float(page.mediabox.height)


def test_page_numbers_stand_top_centre_from_the_second_page(published):
    decision = ensure_document(published.pk, "decision")
    first, _width, height = runs(decision, 1)
    assert not [run for run in first if run[2] > height - 50 and run[0].isdigit()]
    second, width, height = runs(decision, 2)
    numbers = [run for run in second if run[0] == "2" and run[2] > height - 50]
    assert numbers, second[:5]
    assert abs(numbers[0][1] - width / 2) < 40


def test_the_issuing_body_is_bold_and_the_national_title_one_line(cast, published):
    session = CouncilSession.objects.create(
        campaign=published,
        number=1,
        held_on=datetime.date(2026, 3, 10),
        created_by=cast["secretariat"],
    )
    # the minutes: the council under its superior body, upright, the council bold
    for document, issuing, superior in (
        (ensure_document(published.pk, "decision"), "BỘ NỘI VỤ", None),
        (
            ensure_document(published.pk, f"minutes:{session.number}"),
            "HỘI ĐỒNG THẨM ĐỊNH",
            "BỘ NỘI VỤ",
        ),
    ):
        first, _width, _height = runs(document, 1)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text(document).splitlines()[0] or any(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in run[0] for run in first
        )
        issuer = next(run for run in first if run[0] == issuing)
        assert "Bold" in issuer[3], issuer
        if superior:
            above = next(run for run in first if run[0] == superior)
            assert "Bold" not in above[3] and above[2] > issuer[2], (above, issuer)


def test_closed_minutes_are_numbered_signed_by_secretary_and_chair_and_frozen(
    client, cast, published, orgs, settings, tmp_path
):
    signing = tmp_path / "signing"
    settings.DOCUMENT_SIGNERS_FILE = write_demo_signers(
        signing,
        {},
        people={
            cast["chair"].get_username(): cast["chair"].get_full_name(),
            cast["secretariat"].get_username(): cast["secretariat"].get_full_name(),
        },
    )
    for user, position in ((cast["chair"], "chair"), (cast["secretariat"], "secretary")):
        council_member_add(
            campaign=published,
            user=user,
            position=position,
            organisation=orgs["BNV"],
            actor=None,
        )
    session = CouncilSession.objects.create(
        campaign=published,
        number=1,
        held_on=datetime.date(2026, 3, 5),
        created_by=cast["secretariat"],
    )
    with pytest.raises(ValidationError, match="giờ bắt đầu, giờ kết thúc"):
        council_session_close(session=session, actor=cast["secretariat"])
    council_session_minutes(
        session=session,
        minutes="Thống nhất.",
        actor=cast["secretariat"],
        starts_at=datetime.time(8),
        ends_at=datetime.time(10),
    )
    with transaction.atomic():
        numbered = council_session_close(session=session, actor=cast["secretariat"])
    assert numbered.reference == "1/BB-HĐTĐ" and not numbered.sha256
    with pytest.raises(ValidationError, match="không sửa được"):
        council_session_minutes(session=session, minutes="sửa", actor=cast["secretariat"])
    minutes = ensure_document(published.pk, "minutes:1")  # what the worker does
    assert minutes.sha256 and minutes.code
    content = text(minutes)
    assert "Số: 1/BB-HĐTĐ" in content and "Thống nhất." in content
    data = minutes.file.open("rb").read()
    root = load_cert_from_pemder(str(signing / "ca.pem"))
    holders = set()
    for signature in PdfFileReader(io.BytesIO(data)).embedded_signatures:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
        assert status.bottom_line, status.pretty_print_details()
        holders.add(status.signing_cert.subject.native["common_name"])
    assert holders == {cast["chair"].get_full_name(), cast["secretariat"].get_full_name()}
    assert ensure_document(published.pk, "minutes:1").sha256 == minutes.sha256  # never remade
    assert client.get(reverse("verify_document", args=[minutes.code])).status_code == 200
