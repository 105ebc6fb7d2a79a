"""Look at every page (issue 17): each document type's first page rendered to a picture, and
the layout facts Decree 30 asks for read from the PDF's text and positions — the national
title on one line, the number and the place-and-date on one baseline, page numbers top
centre from page 2 only, a long table's header above its rows on every page it runs onto."""

import io
import re
import subprocess

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from appraisal.models import DomainReview
from documents.issuers import freeze
from documents.publication import ensure_document
from documents.reports import ensure_self_assessment_report
from tests.conftest import reviews_started
from tests.documents.test_publication_documents import published  # noqa: F401
from workflow.services.assignments import reviews_distribute
from workflow.services.queries import query_raise
from workflow.services.reviews import review_start

pytestmark = pytest.mark.django_db
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def runs(data: bytes, number: int) -> tuple[list[tuple[str, float, float]], float, float]:
    page = PdfReader(io.BytesIO(data)).pages[number - 1]
    found = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x, y))

    page.extract_text(visitor_text=visit)
    return found, float(page.mediabox.width), float(page.mediabox.height)


def first_page_picture(data: bytes, tmp_path, name: str) -> Image.Image:
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(tmp_path / name),
        ],
        check=True,
    )
    return Image.open(tmp_path / f"{name}.png").convert("L")


@pytest.fixture
def documents(published, cast, bac_ninh, tmp_path):  # noqa: F811
    """One of each: decision, year report, result sheet (issued), the unit's report, a
    reviewing ministry's letter."""
    with transaction.atomic():
        freeze(published)
    made = {
        key: ensure_document(published.pk, key).file.read()
        for key in ("decision", "year_report", "sheet:01")
    }
    made["self_assessment"] = ensure_self_assessment_report(bac_ninh.pk).file.read()
    reviews_started([bac_ninh], cast["secretariat"])
    review = DomainReview.objects.get(submission=bac_ninh, organisation__code="BTC")
    reviews_distribute(
        reviews=[review], reviewers=[cast["finance_reviewer"]], actor=cast["secretariat"]
    )
    review = review_start(review=review, actor=cast["finance_reviewer"])
    item = review.submission.items.filter(domain_id=review.domain_id).first()
    query = query_raise(review=review, items=[item], question="?", actor=cast["finance_reviewer"])
    client = Client()
    client.force_login(cast["bacninh_focal"])
    made["letter"] = client.get(reverse("query_letter", args=[query.pk])).content
    return made


def test_every_document_type_reads_right_on_its_pages(documents, tmp_path):
    for name, data in documents.items():
        picture = first_page_picture(data, tmp_path, name)
        assert picture.getextrema()[0] < 100, f"{name}: the first page is blank"
        first, width, height = runs(data, 1)
        if name != "sheet:01":  # an annex has no heading of its own
            nation = [run for run in first if NATION in run[0]]
            assert nation and nation[0][0].startswith(NATION), (name, first[:4])
            number = next(run for run in first if run[0].startswith("Số:"))
            place = next(run for run in first if "ngày" in run[0] and "tháng" in run[0])
            assert abs(number[2] - place[2]) < 1, (name, number, place)
            assert number[1] < width / 2 < place[1] + 200, (name, number, place)
        # no page number on the first page; top centre on every later page
        assert not [r for r in first if r[2] > height - 50 and r[0].isdigit()], name
        pages = len(PdfReader(io.BytesIO(data)).pages)
        for page_number in range(2, pages + 1):
            later, width, height = runs(data, page_number)
            top = [r for r in later if r[0] == str(page_number) and r[2] > height - 50]
            assert top and abs(top[0][1] - width / 2) < 40, (name, page_number, later[:3])


def test_a_long_table_repeats_its_header_on_every_page(documents):
    data = documents["self_assessment"]
    pages = len(PdfReader(io.BytesIO(data)).pages)
    assert pages >= 2
    continued = 0
    for page_number in range(2, pages + 1):
        found, _width, height = runs(data, page_number)
        codes = [r for r in found if re.match(r"\d+(\.\d+)+(\s|$)", r[0])]  # item rows: 1.2.3 …
        if not codes:
            continue
        continued += 1
        # the table's header row ("STT | Lĩnh vực, tiêu chí …" or "Mã | Tiêu chí …") stands
        # above the rows that continue on this page
        header = [r for r in found if "tiêu chí" in r[0].lower() and not r[0][:1].isdigit()]
        assert header, (page_number, found[:6])
        assert all(r[2] < header[0][2] for r in codes), (page_number, header, codes[:3])
    assert continued, "the table was expected to run onto a second page"
