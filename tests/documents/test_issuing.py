"""Issued documents (issue 17): each organisation's issuing data with its defaults, the
year frozen at publication, gap-free register numbers, drafts marked, PAdES signatures that
pyHanko validates (and a changed byte that it catches), PDF/A, and the public check page."""

import datetime
import hashlib
import io
import json
import re
import threading

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from appraisal.models import Campaign, Organisation
from appraisal.templatetags.parcouncil import decree_date
from documents.certificates import pem, write_demo_signers
from documents.issuers import default_profile, freeze, issue_problem, missing, next_number
from documents.models import CampaignDocument, IssuerProfile, Register
from documents.publication import ensure_document
from tests.documents import softhsm, tsa
from tests.documents.test_publication_documents import published  # noqa: F401
from workflow.flows import CampaignFlow
from workflow.models import AuditEvent
from workflow.services.base import offer
from workflow.services.campaign_stages import campaign_publish
from workflow.services.issuers import FIELDS, issuer_profile_save

pytestmark = pytest.mark.django_db


def pdf_of(document: CampaignDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_every_unit_has_decree_30_defaults_and_only_what_cannot_be_guessed_is_missing(orgs):
    hanoi = default_profile(orgs["01"])
    assert hanoi.formal_name == "Ủy ban nhân dân thành phố Hà Nội"
    assert (hanoi.symbol, hanoi.place) == ("UBND", "Hà Nội")
    justice = default_profile(orgs["BTP"])
    assert (justice.formal_name, justice.symbol) == ("Bộ Tư pháp", "BTP")
    assert justice.authority == "Bộ trưởng Bộ Tư pháp"
    assert default_profile(orgs["NHNN"]).authority == "Thống đốc Ngân hàng Nhà nước Việt Nam"
    for org in Organisation.objects.filter(kind__in=["ministry", "province"]):
        gaps = missing(default_profile(org))
        assert gaps == ["họ và tên người ký", "căn cứ ban hành"], (org.code, gaps)


def test_the_date_line_follows_the_decree():
    assert decree_date(datetime.date(2026, 3, 5)) == "ngày 05 tháng 3 năm 2026"
    assert decree_date(datetime.date(2026, 2, 14)) == "ngày 14 tháng 02 năm 2026"
    assert decree_date(datetime.date(2026, 12, 1)) == "ngày 01 tháng 12 năm 2026"


def test_publication_refuses_naming_what_the_decision_lacks(orgs, campaign_factory, cast):
    campaign = campaign_factory(units=[orgs["T34-bac-ninh"]])
    issuer_profile_save(
        organisation=orgs["BNV"], data={"signer_name": "", "grounds": ""}, actor=None
    )
    problem = issue_problem(orgs["BNV"])
    assert "họ và tên người ký" in problem and "căn cứ ban hành" in problem
    with transaction.atomic(), pytest.raises(ValidationError) as refused:
        freeze(campaign)
    assert "căn cứ ban hành" in str(refused.value)
    assert not Register.objects.exists()
    # at the council stage, every report settled: the campaign page offers "publish"
    # disabled, with the same words, and the service refuses with them
    Campaign.objects.filter(pk=campaign.pk).update(state="council")
    campaign.submissions.update(exclusion_reason="ngoài phạm vi của phép thử")
    campaign.refresh_from_db()
    ok, why = offer(CampaignFlow, campaign, "publish", cast["secretariat"])
    assert not ok and "họ và tên người ký" in why and "căn cứ ban hành" in why
    with pytest.raises(ValidationError, match="căn cứ ban hành"):
        campaign_publish(campaign=campaign, actor=cast["secretariat"])
    campaign.refresh_from_db()
    assert campaign.state == "council" and not Register.objects.exists()


def test_register_numbers_are_gap_free_a_rolled_back_issue_gives_its_number_back(orgs):
    owner = orgs["BNV"]
    with transaction.atomic():
        assert next_number(owner, 2026) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number(owner, 2026) == 2
        raise RuntimeError("the publication failed after numbering")
    with transaction.atomic():
        assert next_number(owner, 2026) == 2
        assert next_number(orgs["BTP"], 2026) == 1  # one register per issuing body
        assert next_number(owner, 2027) == 1  # and per year


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks are a PostgreSQL matter; SQLite serialises every writer (.ci/run runs it on PostgreSQL)",
)
def test_concurrent_issues_get_distinct_consecutive_numbers(program):
    owner = Organisation.objects.get(code="BNV")
    barrier = threading.Barrier(4)
    numbers: list[int] = []

    def issue() -> None:
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                numbers.append(next_number(owner, 2030))
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == [1, 2, 3, 4]


def test_a_draft_says_so_on_every_page_and_has_no_number(published):  # noqa: F811
    draft = ensure_document(published.pk, "decision")
    assert draft.issued_on is None and draft.number is None and not draft.code
    pages = PdfReader(io.BytesIO(pdf_of(draft))).pages
    assert len(pages) >= 2
    assert all("DỰ THẢO" in page.extract_text() for page in pages)
    assert "Số: /QĐ-BNV" in pages[0].extract_text()


@pytest.fixture
def signers(tmp_path, settings):
    settings.DOCUMENT_SIGNERS_FILE = write_demo_signers(
        tmp_path / "signing", {"BNV": ("Trần Văn Minh", "Bộ Nội vụ")}
    )
    return tmp_path / "signing"


@pytest.fixture
def issued(published, signers):  # noqa: F811
    with transaction.atomic():
        freeze(published)
    return published


def test_an_issued_decision_is_numbered_signed_twice_and_valid(issued, signers):
    decision = ensure_document(issued.pk, "decision")
    report = ensure_document(issued.pk, "year_report")
    assert (decision.number, report.number) == (1, 2)
    assert decision.reference == "1/QĐ-BNV" and report.reference == "2/BC-BNV"
    data = pdf_of(decision)
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Số: 1/QĐ-BNV" in text and "DỰ THẢO" not in text
    assert "BỘ TRƯỞNG BỘ NỘI VỤ" in text and "Căn cứ Nghị định số 25/2025/NĐ-CP" in text
    assert "Theo đề nghị của Vụ trưởng Vụ Cải cách hành chính" in text
    assert "Điều 4." in text and "chịu trách nhiệm thi hành" in text
    assert "KT. BỘ TRƯỞNG" in text and "THỨ TRƯỞNG" in text and "Trần Văn Minh" in text
    assert decision.code and decision.code in text
    # two PAdES signatures: the signer's, then the organisation's; both valid and trusted
    root = load_cert_from_pemder(str(signers / "ca.pem"))
    reader = PdfFileReader(io.BytesIO(data))
    assert len(reader.embedded_signatures) == 2
    holders = set()
    for signature in reader.embedded_signatures:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
        assert status.intact and status.valid and status.trusted, status.pretty_print_details()
        holders.add(status.signing_cert.subject.native["common_name"])
    assert holders == {"Trần Văn Minh", "Bộ Nội vụ"}
    # issued means issued: asking again gives the same stored bytes
    assert ensure_document(issued.pk, "decision").sha256 == decision.sha256
    assert hashlib.sha256(data).hexdigest() == decision.sha256


def test_a_byte_changed_after_signing_is_detected(issued, signers):
    data = bytearray(pdf_of(ensure_document(issued.pk, "decision")))
    at = data.index(b"/Producer") + 12  # inside the signed revision
    data[at] ^= 0x01
    root = load_cert_from_pemder(str(signers / "ca.pem"))
    signature = PdfFileReader(io.BytesIO(bytes(data))).embedded_signatures[0]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
    assert not status.intact and not status.bottom_line


def test_issued_documents_are_pdf_a_with_embedded_fonts(issued):
    reader = PdfReader(io.BytesIO(pdf_of(ensure_document(issued.pk, "sheet:01"))))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part[^0-9]*2", xmp) and re.search(r"pdfaid:conformance[^A-Z]*B", xmp)
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font)[
                "/FontDescriptor"
            ].get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_anyone_checks_a_document_by_its_code_and_by_upload(client, issued):
    decision = ensure_document(issued.pk, "decision")
    page = client.get(reverse("verify_document", args=[decision.code]))
    body = page.content.decode()
    assert page.status_code == 200 and "1/QĐ-BNV" in body and decision.sha256 in body
    assert client.get(reverse("verify_lookup"), {"code": decision.code.lower()}).status_code == 302
    download = client.get(reverse("verify_download", args=[decision.code]))
    same = b"".join(download.streaming_content)
    answer = client.post(
        reverse("verify_document", args=[decision.code]),
        {"file": SimpleUploadedFile("qd.pdf", same, "application/pdf")},
    )
    assert "Đúng là văn bản đã ban hành" in answer.content.decode()
    changed = same[:1000] + bytes([same[1000] ^ 1]) + same[1001:]
    answer = client.post(
        reverse("verify_document", args=[decision.code]),
        {"file": SimpleUploadedFile("qd.pdf", changed, "application/pdf")},
    )
    assert "KHÔNG phải văn bản đã ban hành" in answer.content.decode()
    assert client.get(reverse("verify_document", args=["AAAAAAAAAA"])).status_code == 404
    draft_code = CampaignDocument.objects.filter(issued_on__isnull=True).values_list(
        "code", flat=True
    )
    assert all(code is None for code in draft_code)


def test_the_settings_point_nowhere_by_default_in_tests():
    assert not settings.DOCUMENT_SIGNERS_FILE.exists()


def test_the_secretariat_and_the_units_leader_keep_the_issuing_data_in_the_app(client, cast, orgs):
    page = reverse("organisation_issuing", args=["T34-bac-ninh"])
    client.force_login(cast["bacninh_leader"])
    assert "Ủy ban nhân dân tỉnh Bắc Ninh" in client.get(page).content.decode()
    edits = AuditEvent.objects.filter(object_type="issuer_profile", field="signer_name").count()
    answer = client.post(
        page,
        {
            **{name: getattr(default_profile(orgs["T34-bac-ninh"]), name) for name in FIELDS},
            "signer_name": "Nguyễn Thị Lan",
            "place": "",
        },
    )
    assert answer.status_code == 400  # a required field left empty: named, nothing stored
    kept = IssuerProfile.objects.get(organisation=orgs["T34-bac-ninh"])
    assert (kept.signer_name, kept.place) == ("Trần Thị Kim Oanh", "Bắc Ninh")
    answer = client.post(
        page,
        {
            **{name: getattr(default_profile(orgs["T34-bac-ninh"]), name) for name in FIELDS},
            "signer_name": "Nguyễn Thị Lan",
        },
    )
    assert answer.status_code == 302
    assert (
        IssuerProfile.objects.get(organisation__code="T34-bac-ninh").signer_name == "Nguyễn Thị Lan"
    )
    assert (
        AuditEvent.objects.filter(object_type="issuer_profile", field="signer_name").count()
        == edits + 1
    )
    # another unit's data is not the leader's to keep
    assert client.get(reverse("organisation_issuing", args=["01"])).status_code == 403
    client.force_login(cast["secretariat"])
    assert client.get(reverse("organisation_issuing", args=["01"])).status_code == 200


@pytest.fixture(scope="session")
def token_ca(tmp_path_factory):
    """One SoftHSM2 token per test process, its organisation key made on the token."""
    softhsm.configure(tmp_path_factory.mktemp("softhsm"))
    return softhsm.make_token("BNV-SEAL", "seal", "Bộ Nội vụ")


def test_the_organisations_signature_comes_from_a_pkcs11_token(
    published,  # noqa: F811
    tmp_path,
    settings,
    token_ca,
):
    directory = tmp_path / "signing"
    write_demo_signers(directory, {"BNV": ("Trần Văn Minh", "Bộ Nội vụ")})
    (directory / "token-ca.pem").write_bytes(pem(token_ca.cert))
    (directory / "seal.pin").write_text(softhsm.PIN)
    config = json.loads((directory / "signers.json").read_text())
    config["issuers"]["BNV"]["organisation"] = {
        "pkcs11": {
            "module": softhsm.MODULE,
            "token": "BNV-SEAL",
            "key": "seal",
            "cert": "seal",
            "pin_file": "seal.pin",
        }
    }
    (directory / "signers.json").write_text(json.dumps(config))
    settings.DOCUMENT_SIGNERS_FILE = directory / "signers.json"
    with transaction.atomic():
        freeze(published)
    data = pdf_of(ensure_document(published.pk, "decision"))
    signatures = PdfFileReader(io.BytesIO(data)).embedded_signatures
    person, organisation = signatures
    roots = [
        load_cert_from_pemder(str(directory / "ca.pem")),
        load_cert_from_pemder(str(directory / "token-ca.pem")),
    ]
    for signature in signatures:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots))
        assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    status = validate_pdf_signature(organisation, ValidationContext(trust_roots=roots))
    assert status.signing_cert.subject.native["common_name"] == "Bộ Nội vụ"
    assert status.signing_cert.issuer.native["common_name"] == "parcouncil test token CA"


@pytest.fixture
def local_tsa():
    server = tsa.LocalTSA()
    yield server
    server.stop()


def test_a_configured_timestamp_authority_stamps_every_signature(
    published,  # noqa: F811
    signers,
    local_tsa,
):
    config = json.loads((signers / "signers.json").read_text())
    config["tsa"] = local_tsa.url
    (signers / "signers.json").write_text(json.dumps(config))
    with transaction.atomic():
        freeze(published)
    data = pdf_of(ensure_document(published.pk, "decision"))
    assert local_tsa.requests == 2  # one timestamp per signature
    roots = [
        load_cert_from_pemder(str(signers / "ca.pem")),
        asn1_x509.Certificate.load(local_tsa.ca.cert.public_bytes(Encoding.DER)),
    ]
    for signature in PdfFileReader(io.BytesIO(data)).embedded_signatures:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots))
        assert status.bottom_line, status.pretty_print_details()
        stamp = status.timestamp_validity
        assert stamp is not None and stamp.intact and stamp.valid and stamp.trusted
