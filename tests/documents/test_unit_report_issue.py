"""The unit's self-assessment report (issue 17): a draft (DỰ THẢO, no number) until the
leader approves and sends it; then the unit's outgoing document — numbered from its own
register, dated, signed where the unit has certificates, verifiable — and never made again.
Reopened and sent again, it gets the next number; the earlier one stays verifiable."""

import datetime
import io

import pytest
from django.db import transaction
from django.urls import reverse
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from appraisal.models import ScoreItem
from documents.certificates import write_demo_signers
from documents.models import GeneratedReport
from documents.reports import ensure_self_assessment_report
from workflow.models import AuditEvent
from workflow.services.submissions import (
    submission_approve,
    submission_reopen_self_assessment,
    submission_send_for_approval,
)

pytestmark = pytest.mark.django_db


def first_page(report: GeneratedReport) -> str:
    with report.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()


def approve(submission, cast) -> GeneratedReport:
    submission_send_for_approval(submission=submission, actor=cast["bacninh_focal"])
    draft = ensure_self_assessment_report(submission.pk)
    assert draft.issued_on is None and "DỰ THẢO" in first_page(draft)
    assert "Số: /BC-UBND" in first_page(draft)
    with transaction.atomic():
        submission_approve(submission=submission, actor=cast["bacninh_leader"])
    return ensure_self_assessment_report(submission.pk)  # what the worker does after commit


def test_the_sent_report_is_numbered_signed_and_kept_as_sent(
    client, cast, bac_ninh, settings, tmp_path
):
    signing = tmp_path / "signing"
    settings.DOCUMENT_SIGNERS_FILE = write_demo_signers(
        signing, {"T34-bac-ninh": ("Nguyễn Văn Bình", "Ủy ban nhân dân tỉnh Bắc Ninh")}
    )
    issued = approve(bac_ninh, cast)
    year = datetime.date.today().year
    assert issued.reference == "1/BC-UBND" and issued.sha256 and issued.code
    text = first_page(issued)
    assert "Số: 1/BC-UBND" in text and "DỰ THẢO" not in text and issued.code in text
    with issued.file.open("rb") as handle:
        data = handle.read()
    root = load_cert_from_pemder(str(signing / "ca.pem"))
    signatures = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert len(signatures) == 2
    for signature in signatures:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
        assert status.bottom_line, status.pretty_print_details()
    assert AuditEvent.objects.filter(
        object_type="generated_report", action="issue", new_value=issued.sha256
    ).exists()
    # what it shows changes later: the sent report does not
    ScoreItem.objects.filter(submission=bac_ninh).update(explanation="sửa sau khi gửi")
    assert ensure_self_assessment_report(bac_ninh.pk).sha256 == issued.sha256

    # reopened, sent again: a draft first, then the next number of the unit's register
    settings.DOCUMENT_SIGNERS_FILE = tmp_path / "none.json"
    bac_ninh.refresh_from_db()
    submission_reopen_self_assessment(
        submission=bac_ninh,
        due_on=datetime.date(year + 1, 1, 31),
        actor=cast["secretariat"],
        comment="Bổ sung tài liệu",
    )
    bac_ninh.refresh_from_db()
    second = approve(bac_ninh, cast)
    assert second.reference == "2/BC-UBND" and second.pk != issued.pk
    issued.refresh_from_db()
    assert issued.superseded and not second.superseded
    # the first one sent can still be checked by anyone, byte for byte
    page = client.get(reverse("verify_document", args=[issued.code]))
    assert page.status_code == 200 and "1/BC-UBND" in page.content.decode()
    client.force_login(cast["bacninh_focal"])
    download = client.get(reverse("report_download", args=[bac_ninh.pk]))
    assert b"".join(download.streaming_content) != data  # the current one is the second
