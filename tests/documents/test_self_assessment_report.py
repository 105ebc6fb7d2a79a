"""The self-assessment report: a PDF in the administrative layout with the right totals."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from appraisal.selectors.workspace import workspace
from documents.models import GeneratedReport
from documents.reports import ensure_self_assessment_report
from workflow.services.submissions import submission_send_for_approval

pytestmark = pytest.mark.django_db


def text_of(report: GeneratedReport) -> str:
    with report.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def vi(value) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def test_the_report_shows_the_layout_and_the_totals(cast, bac_ninh):
    report = ensure_self_assessment_report(bac_ninh.pk)
    text = text_of(report)
    _domains, overall = workspace(bac_ninh)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert (
        "BÁO CÁO" in text
        and "ỦY BAN NHÂN DÂN TỈNH" in text
        and "BẮC NINH" in text
        and "Nơi nhận:" in text
    )
    assert "Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2026" in text
    assert f"Tổng cộng {vi(overall.maximum)} {vi(overall.points)}" in " ".join(text.split())
    assert "," in vi(overall.points)  # the sample's totals have decimals: shown with a comma
    assert "Bac Ninh" not in text  # Vietnamese names keep their diacritics


def test_the_report_is_remade_only_when_the_data_changes(cast, bac_ninh):
    first = ensure_self_assessment_report(bac_ninh.pk)
    again = ensure_self_assessment_report(bac_ninh.pk)
    assert (again.pk, again.file.name) == (first.pk, first.file.name)
    item = bac_ninh.items.filter(scoring_mode="self").first()
    item.explanation = "Giải trình mới"
    item.save()
    remade = ensure_self_assessment_report(bac_ninh.pk)
    assert (
        remade.pk == first.pk
        and remade.file.name != first.file.name
        and remade.fingerprint != first.fingerprint
    )


def test_sending_for_approval_enqueues_the_report(
    cast, bac_ninh, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission_send_for_approval(submission=bac_ninh, actor=cast["bacninh_focal"])
    assert GeneratedReport.objects.filter(
        submission=bac_ninh
    ).exists()  # the worker ran it (sync in tests)


def test_report_download_is_guarded(client, cast, bac_ninh):
    url = reverse("report_download", args=[bac_ninh.pk])
    client.force_login(cast["bacninh_leader"])
    assert client.get(url).status_code == 404  # not made yet
    ensure_self_assessment_report(bac_ninh.pk)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(cast["hanoi_focal"])
    assert client.get(url).status_code == 404
    assert client.post(reverse("report_generate", args=[bac_ninh.pk])).status_code == 404
    client.force_login(cast["manager"])
    assert client.post(reverse("report_generate", args=[bac_ninh.pk])).status_code == 403
