"""The evidence locker: allowed types by content, limits, safe names, hashes, duplicates,
versions, bindings, freezing at submission, and a guarded download."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from documents.models import Binding, Document, DocumentVersion, EvidenceManifest
from documents.services import evidence_bind, evidence_replace, evidence_upload
from workflow.services.submissions import submission_approve, submission_send_for_approval

pytestmark = pytest.mark.django_db


def pdf(text: str = "x") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"% " + text.encode() + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("Quyết định 12.pdf", pdf(), "pdf"),
        ("ảnh chụp.PNG", PNG, "png"),
        ("scan.jpeg", JPEG, "jpeg"),
        ("báo cáo.docx", docx(), "docx"),
        ("số liệu.xlsx", xlsx(), "xlsx"),
    ],
)
def test_allowed_types_are_recognised_by_content(cast, bac_ninh, name, data, kind):
    document = evidence_upload(
        submission=bac_ninh, upload=upload(name, data), actor=cast["bacninh_focal"]
    )
    version = document.current
    assert (version.kind, version.number, version.size) == (kind, 1, len(data))
    assert len(version.sha256) == 64
    assert (
        version.file.name.startswith(f"evidence/{bac_ninh.pk}/") and name not in version.file.name
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("quyet-dinh.pdf", PNG, "không khớp"),  # a PNG named .pdf
        (
            "anh.png",
            b"<html><script>alert(1)</script></html>",
            "không phải PDF",
        ),  # HTML disguised as an image
        (
            "anh.jpg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "không phải PDF",
        ),  # SVG
        ("bang.xlsx", docx(), "không khớp"),  # a Word file named .xlsx
        ("nen.docx", b"PK\x03\x04not an office file", "không phải PDF"),
        ("trang.html", b"<html></html>", "chỉ nhận tệp"),
        ("anh.svg", b"<svg/>", "chỉ nhận tệp"),
        ("khong-duoi", pdf(), "phần mở rộng"),
        ("....", pdf(), "không hợp lệ"),
    ],
)
def test_disguised_and_unknown_files_are_refused(cast, bac_ninh, name, data, message):
    with pytest.raises(ValidationError, match=message):
        evidence_upload(submission=bac_ninh, upload=upload(name, data), actor=cast["bacninh_focal"])
    assert not Document.objects.filter(submission=bac_ninh).exists()
    assert not DocumentVersion.objects.exists()


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
        ("bad\x00name\x07.pdf", "badname.pdf"),
        ("<script>.pdf", "_script_.pdf"),
        ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
    ],
)
def test_names_are_sanitised(cast, bac_ninh, raw, stored):
    document = evidence_upload(
        submission=bac_ninh, upload=upload(raw, pdf(raw)), actor=cast["bacninh_focal"]
    )
    assert document.current.name == stored


def test_size_limits_per_file_and_per_submission(cast, bac_ninh, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 200
    with pytest.raises(ValidationError, match="quá lớn"):
        evidence_upload(
            submission=bac_ninh,
            upload=upload("lon.pdf", pdf("y" * 300)),
            actor=cast["bacninh_focal"],
        )
    settings.EVIDENCE_MAX_FILE_BYTES = 10_000
    settings.EVIDENCE_MAX_SUBMISSION_BYTES = 250
    evidence_upload(
        submission=bac_ninh, upload=upload("a.pdf", pdf("a")), actor=cast["bacninh_focal"]
    )
    with pytest.raises(ValidationError, match="dung lượng"):
        evidence_upload(
            submission=bac_ninh, upload=upload("b.pdf", pdf("b")), actor=cast["bacninh_focal"]
        )
    assert Document.objects.filter(submission=bac_ninh).count() == 1


def test_a_duplicate_within_the_submission_is_recognised(cast, bac_ninh, campaign):
    evidence_upload(
        submission=bac_ninh, upload=upload("qd.pdf", pdf("same")), actor=cast["bacninh_focal"]
    )
    with pytest.raises(ValidationError, match="trùng nội dung.*qd.pdf"):
        evidence_upload(
            submission=bac_ninh,
            upload=upload("qd-ban-sao.pdf", pdf("same")),
            actor=cast["bacninh_focal"],
        )
    hanoi = campaign.submissions.get(unit__code="01")  # another unit may hold the same file
    evidence_upload(
        submission=hanoi, upload=upload("qd.pdf", pdf("same")), actor=cast["hanoi_focal"]
    )


def test_replacing_keeps_the_old_version(cast, bac_ninh):
    document = evidence_upload(
        submission=bac_ninh, upload=upload("qd.pdf", pdf("v1")), actor=cast["bacninh_focal"]
    )
    first = document.current
    version = evidence_replace(
        document=document, upload=upload("qd-sua.pdf", pdf("v2")), actor=cast["bacninh_leader"]
    )
    document.refresh_from_db()
    assert (version.number, document.current_id) == (2, version.pk)
    assert list(document.versions.values_list("name", flat=True)) == ["qd.pdf", "qd-sua.pdf"]
    assert DocumentVersion.objects.get(pk=first.pk).sha256 == first.sha256


def test_one_file_proves_several_items_with_references(cast, bac_ninh):
    document = evidence_upload(
        submission=bac_ninh, upload=upload("bc.pdf", pdf("bc")), actor=cast["bacninh_focal"]
    )
    items = list(bac_ninh.items.filter(scoring_mode="self").order_by("position")[:2])
    evidence_bind(document=document, item=items[0], reference="tr. 3", actor=cast["bacninh_focal"])
    evidence_bind(document=document, item=items[1], reference="mục II", actor=cast["bacninh_focal"])
    evidence_bind(
        document=document, item=items[1], reference="mục III", actor=cast["bacninh_focal"]
    )  # updated
    assert sorted(
        Binding.objects.filter(document=document).values_list("reference", flat=True)
    ) == ["mục III", "tr. 3"]


def test_only_the_unit_uploads(cast, bac_ninh):
    for persona in ("hanoi_focal", "secretariat", "finance_reviewer"):
        with pytest.raises(PermissionDenied):
            evidence_upload(
                submission=bac_ninh, upload=upload("x.pdf", pdf(persona)), actor=cast[persona]
            )


def test_submitting_freezes_the_evidence_in_a_manifest(cast, bac_ninh):
    document = evidence_upload(
        submission=bac_ninh, upload=upload("qd.pdf", pdf("frozen")), actor=cast["bacninh_focal"]
    )
    submission_send_for_approval(submission=bac_ninh, actor=cast["bacninh_focal"])
    with pytest.raises(ValidationError, match="không thể thay đổi"):
        evidence_upload(
            submission=bac_ninh, upload=upload("muon.pdf", pdf("late")), actor=cast["bacninh_focal"]
        )
    submission_approve(submission=bac_ninh, actor=cast["bacninh_leader"])
    manifest = EvidenceManifest.objects.get(submission=bac_ninh)
    assert manifest.entries == [
        {
            "document_id": document.pk,
            "number": 1,
            "name": "qd.pdf",
            "size": document.current.size,
            "sha256": document.current.sha256,
        }
    ]
    with pytest.raises(ValidationError, match="không thể thay đổi"):
        evidence_replace(
            document=document, upload=upload("qd2.pdf", pdf("late2")), actor=cast["bacninh_leader"]
        )


def test_download_is_guarded_and_never_sniffed(client, cast, bac_ninh):
    document = evidence_upload(
        submission=bac_ninh, upload=upload("qd.pdf", pdf("dl")), actor=cast["bacninh_focal"]
    )
    url = reverse("evidence_download", args=[document.current_id])
    assert client.get(url).status_code == 302  # anonymous → login
    client.force_login(cast["hanoi_focal"])
    assert client.get(url).status_code == 404
    client.force_login(cast["bacninh_leader"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_upload_page_keeps_good_files_and_names_bad_ones(client, cast, bac_ninh):
    client.force_login(cast["bacninh_focal"])
    url = reverse("evidence_upload", args=[bac_ninh.pk])
    assert client.get(url).status_code == 405
    response = client.post(
        url, {"files": [upload("tot.pdf", pdf("ok")), upload("xau.png", b"<svg/>")]}, follow=True
    )
    body = response.content.decode()
    assert "Đã tải lên “tot.pdf”" in body and "xau.png" in body and "không phải PDF" in body
    assert list(
        Document.objects.filter(submission=bac_ninh).values_list("current__name", flat=True)
    ) == ["tot.pdf"]
    client.force_login(cast["hanoi_focal"])
    assert client.post(url, {"files": [upload("x.pdf", pdf("h"))]}).status_code == 404


@pytest.fixture(params=[3, 30], ids=["3-documents", "30-documents"])
def documents(request, cast, bac_ninh):
    items = list(bac_ninh.items.filter(scoring_mode="self")[:3])
    for n in range(request.param):
        document = evidence_upload(
            submission=bac_ninh,
            upload=upload(f"tl-{n}.pdf", pdf(str(n))),
            actor=cast["bacninh_focal"],
        )
        for item in items:
            evidence_bind(
                document=document, item=item, reference=f"tr. {n}", actor=cast["bacninh_focal"]
            )
    return request.param


def test_evidence_page_queries_do_not_grow(
    client, cast, bac_ninh, documents, django_assert_num_queries
):
    client.force_login(cast["bacninh_focal"])
    # session, user, submission with campaign/program/unit/framework, role grants,
    # documents with current version and counts, their bindings with items and nodes
    with django_assert_num_queries(6):
        response = client.get(reverse("evidence_list", args=[bac_ninh.pk]))
    assert len(response.context["documents"]) == documents


def test_bound_evidence_stands_in_for_an_explanation(cast, bac_ninh):
    from appraisal.models import ScoreItem
    from workflow.flows import incomplete_items

    item = (
        ScoreItem.objects.filter(submission=bac_ninh, scoring_mode="self")
        .order_by("position")
        .first()
    )
    ScoreItem.objects.filter(pk=item.pk).update(explanation="")
    assert incomplete_items(bac_ninh) == [item.node.code]
    document = evidence_upload(
        submission=bac_ninh, upload=upload("qd.pdf", pdf("proof")), actor=cast["bacninh_focal"]
    )
    evidence_bind(document=document, item=item, reference="tr. 1", actor=cast["bacninh_focal"])
    assert incomplete_items(bac_ninh) == []
