"""The campaign's PDFs in the layout of Vietnamese administrative documents (Decree
30/2020/NĐ-CP, Appendix I): the publication decision with its ranking annexes, the year
report with its charts, each unit's result sheet, and the council's session minutes.

Each document has a key and a fingerprint of the data it shows (documents/builders.py);
`ensure_document` makes a draft only when no stored copy shows the same data, and issues a
published year's documents once (numbered, dated, signed), so running it twice is harmless."""

import datetime
import hashlib

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from appraisal.models import Campaign, UnitResult
from documents.builders import Built, builder, issuer_of
from documents.issuers import NUMBERED, Issuer, replace_file
from documents.models import CampaignDocument, Publication
from documents.signers import Placement
from documents.stamping import FONT_DIR, PDF_OPTIONS, Signatures, Stamp, placements
from workflow.audit import audit_record
from workflow.models import AuditKind

# a unit's result sheet is an annex of the decision: issued and signed with it, unnumbered,
# citing the decision's number
ISSUED = (*NUMBERED, "sheet")


def render(
    campaign: Campaign, built: Built, stamp: Stamp | None = None
) -> tuple[bytes, dict[str, Placement]]:
    """The PDF and where its signatures' boxes were laid out (by element id)."""
    from weasyprint import HTML  # heavy: imported where it is used, in the worker

    publication = Publication.objects.filter(campaign=campaign).first()
    issuer = issuer_of(campaign, publication)
    with translation.override("vi"):
        html = render_to_string(
            built.template,
            {
                "campaign": campaign,
                "issuer": issuer,
                "publication": publication,
                "stamp": stamp,
                "draft": stamp is None,
                "decision_reference": decision_reference(issuer),
                "today": stamp.issued_on if stamp else timezone.localdate(),
                "font_dir": FONT_DIR.as_uri(),
                # last: a document that is never a draft (the minutes) says so
                **built.context(),
            },
        )
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(**PDF_OPTIONS)
    return document.write_pdf(**PDF_OPTIONS), placements(document)


def decision_reference(issuer: Issuer) -> str:
    number = issuer.numbers.get("decision")
    return f"{number}/QĐ-{issuer.symbol}" if number else ""


def kind_of(key: str) -> str:
    return key.split(":", 1)[0]


def ensure_document(campaign_id: int, key: str) -> CampaignDocument:
    """Make the document unless a stored one shows the same data. An issued document is
    never made again: its signed bytes are the document."""
    campaign = Campaign.objects.select_related("program", "program__owner").get(pk=campaign_id)
    existing = CampaignDocument.objects.filter(campaign=campaign, key=key).first()
    if existing is not None and existing.sha256:
        return existing
    built = builder(key)(campaign, key)
    if existing is not None and existing.issued_on is not None:
        return issue_minutes(campaign, key, built, existing)  # numbered when closed
    snapshot = (
        Publication.objects.filter(campaign=campaign).values_list("snapshot", flat=True).first()
    )
    if snapshot and kind_of(key) in ISSUED:
        return issue_document(campaign, key, built, Issuer(**snapshot))
    if existing is not None and existing.fingerprint == built.fingerprint:
        return existing
    pdf, _boxes = render(campaign, built)
    return _store(campaign, key, built, pdf)


def issue_minutes(
    campaign: Campaign, key: str, built: Built, numbered: CampaignDocument
) -> CampaignDocument:
    """Closed minutes, rendered once with their number and signed by the council's
    secretary and chair where they have certificates of their own."""
    issuer = issuer_of(campaign, Publication.objects.filter(campaign=campaign).first())
    people = built.signers or {}
    with Signatures(
        issuer,
        number=numbered.number,
        symbol=numbered.symbol,
        issued_on=numbered.issued_on or timezone.localdate(),
        roles=(),
        people=people,
        code=numbered.code or "",
    ) as signatures:
        pdf, boxes = render(campaign, built, signatures.stamp)
        pdf = signatures.sign(pdf, boxes, built.title)
    record = signatures.stamp.record(issuer, hashlib.sha256(pdf).hexdigest())
    record["signer_name"] = ", ".join(built.signer_names)
    record["signer_position"] = "Thư ký Hội đồng, Chủ tịch Hội đồng"
    return _store(campaign, key, built, pdf, **record)


def _store(campaign: Campaign, key: str, built: Built, pdf: bytes, **issued) -> CampaignDocument:
    with transaction.atomic():
        document, _created = CampaignDocument.objects.select_for_update().get_or_create(
            campaign=campaign, key=key, defaults={"fingerprint": "", "title": built.title}
        )
        if document.sha256:  # another worker issued it meanwhile
            return document
        replace_file(document, f"{key}.pdf", pdf)
        document.fingerprint, document.title = built.fingerprint, built.title[:255]
        for name, value in issued.items():
            setattr(document, name, value)
        document.save()
        if issued:
            audit_record(
                kind=AuditKind.DOCUMENT,
                actor=None,
                program_id=campaign.program_id,
                obj_type="campaign_document",
                obj_id=document.pk,
                action="issue",
                new_value=issued["sha256"],
                comment=f"{document.reference or key} · {built.title}"[:4000],
                stage=campaign.state,
            )
    return document


def issue_document(campaign: Campaign, key: str, built: Built, issuer: Issuer) -> CampaignDocument:
    """Render the document as issued (its number, date, verification code and QR), sign it
    with the issuer's certificates where configured, and store the bytes once. The annexes
    carry the organisation's signature only; the decision and the report both."""
    kind = kind_of(key)
    with Signatures(
        issuer,
        number=issuer.numbers.get(kind),
        symbol=f"{SYMBOL_TYPES[kind]}-{issuer.symbol}",
        issued_on=datetime.date.fromisoformat(issuer.issued_on),
        roles=("person", "organisation") if kind in NUMBERED else ("organisation",),
    ) as signatures:
        pdf, boxes = render(campaign, built, signatures.stamp)
        pdf = signatures.sign(pdf, boxes, f"Ban hành {built.title}")
    record = signatures.stamp.record(issuer, hashlib.sha256(pdf).hexdigest())
    return _store(campaign, key, built, pdf, **record)


# a document's type in its symbol (Decree 30, Appendix III)
SYMBOL_TYPES = {"decision": "QĐ", "year_report": "BC", "sheet": "PL", "minutes": "BB"}


def publication_keys(campaign: Campaign) -> list[str]:
    """What publication produces: the decision, the year report, a sheet per counted unit."""
    codes = UnitResult.objects.filter(campaign=campaign).order_by("unit__code")
    return ["decision", "year_report"] + [
        f"sheet:{code}" for code in codes.values_list("unit__code", flat=True)
    ]
