"""The campaign's PDFs in the layout of Vietnamese administrative documents (Decree
30/2020/NĐ-CP, Appendix I): the publication decision with its ranking annexes, the year
report with its charts, each unit's result sheet, and the council's session minutes.

Each document has a key and a fingerprint of the data it shows; `ensure_document` makes it
only when no stored copy shows the same data, so running it twice is harmless."""

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from appraisal.charts import bar_chart
from appraisal.models import (
    Campaign,
    CouncilMember,
    CouncilSession,
    ScoreItem,
    Submission,
    UnitResult,
)
from appraisal.selectors.public import PublishedLevel, Row, published_levels
from documents.issuers import NUMBERED, Issuer, default_or_saved, new_code
from documents.models import CampaignDocument, Publication
from documents.narratives import narrative
from documents.reports import FONT_DIR
from documents.signers import Placement, configured_roles
from workflow.audit import audit_record
from workflow.models import AuditEvent, AuditKind


@dataclass
class Built:
    title: str
    template: str
    # made only when the PDF is rendered: a request that checks whether the stored copy is
    # current needs the fingerprint alone, not the tables and charts
    context: Callable[[], dict]
    fingerprint: str


def _hash(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _results_rows(campaign: Campaign) -> list:
    return list(
        UnitResult.objects.filter(campaign=campaign)
        .order_by("level", "rank", "unit__code")
        .values_list("unit__code", "index", "rank", "group", "previous_index")
    )


def _levels_with_charts(campaign: Campaign) -> list[PublishedLevel]:
    levels = published_levels(campaign)
    for level in levels:
        level.ranking_chart = bar_chart(
            [(row.name_vi, row.index, row.result.group) for row in level.ranked],
            title=f"Chỉ số CCHC năm {campaign.year} — {level.label}",
            reference=level.average,
            reference_label="Trung bình",
        )
        level.domain_chart = bar_chart(
            [(f"{code}. {name}", value, "") for code, name, value in level.domains],
            title="Chỉ số thành phần trung bình theo lĩnh vực",
        )
        counts = [(f"Nhóm {g}", level.groups.get(g, 0), g) for g in "ABCD"]
        level.group_chart = bar_chart(
            [(label, n, g) for label, n, g in counts],
            title="Phân bố theo nhóm",
            maximum=max([n for _l, n, _g in counts] + [1]),
        )
    return levels


def _texts(campaign: Campaign) -> tuple:
    """What the secretariat wrote and the issuing data: a draft shows their current state."""
    publication = Publication.objects.filter(campaign=campaign).first()
    issuer = issuer_of(campaign, publication)
    texts = (publication.decision_text, publication.report_text) if publication else ("", "")
    return (*texts, issuer.as_json())


def build_decision(campaign: Campaign, key: str) -> Built:
    return Built(
        title=f"Quyết định công bố Chỉ số CCHC năm {campaign.year}",
        template="reports/decision.html",
        context=lambda: {"levels": _levels_with_charts(campaign)},
        fingerprint=_hash("decision", campaign.name_vi, _results_rows(campaign), _texts(campaign)),
    )


def _year_context(campaign: Campaign) -> dict:
    levels = _levels_with_charts(campaign)
    text = Publication.objects.filter(campaign=campaign).values_list("report_text", flat=True)
    return {"levels": levels, "narrative": narrative(text.first() or "", campaign.year, levels)}


def build_year_report(campaign: Campaign, key: str) -> Built:
    return Built(
        title=f"Báo cáo kết quả Chỉ số CCHC năm {campaign.year}",
        template="reports/year_report.html",
        context=lambda: _year_context(campaign),
        fingerprint=_hash("year", campaign.name_vi, _results_rows(campaign), _texts(campaign)),
    )


def build_sheet(campaign: Campaign, key: str) -> Built:
    code = key.split(":", 1)[1]
    result = UnitResult.objects.select_related("unit").get(campaign=campaign, unit__code=code)
    submission = Submission.objects.filter(campaign=campaign, unit=result.unit).first()
    items = (
        list(
            ScoreItem.objects.filter(submission=submission)
            .select_related("node")
            .order_by("position")
        )
        if submission
        else []
    )
    return Built(
        title=f"Phiếu kết quả Chỉ số CCHC năm {campaign.year} — {result.unit.name_in(campaign.year, 'vi')}",
        template="reports/result_sheet.html",
        context=lambda: {"result": result, "row": Row(result, campaign.year), "items": items},
        fingerprint=_hash(
            "sheet",
            result.index,
            result.rank,
            [
                (i.node.code, i.self_score, i.final_score, i.final_reason, i.review_reason)
                for i in items
            ],
        ),
    )


def build_minutes(campaign: Campaign, key: str) -> Built:
    number = int(key.split(":", 1)[1])
    session = CouncilSession.objects.get(campaign=campaign, number=number)
    members = list(
        CouncilMember.objects.filter(campaign=campaign).select_related("user", "organisation")
    )
    absent_ids = set(session.absent.values_list("pk", flat=True))
    agenda = list(session.agenda.select_related("unit").order_by("level", "unit__code"))
    decided = session_decisions(session, agenda)
    for submission in agenda:
        submission.decision = decided.get(submission.pk, "Chưa quyết định tại phiên họp")
    return Built(
        title=f"Biên bản phiên họp số {number} của Hội đồng thẩm định",
        template="reports/minutes.html",
        context=lambda: {
            "session": session,
            "members": members,
            "present": [m for m in members if m.pk not in absent_ids],
            "absent": [m for m in members if m.pk in absent_ids],
            "chair": next((m for m in members if m.position == "chair"), None),
            "secretary": next((m for m in members if m.position == "secretary"), None),
            "agenda": agenda,
            "draft": False,
            "today": session.held_on,
        },
        fingerprint=_hash(
            "minutes",
            session.held_on,
            session.place,
            session.minutes,
            session.starts_at,
            session.ends_at,
            sorted(absent_ids),
            [(m.user_id, m.position) for m in members],
            [(s.pk, s.decision) for s in agenda],
        ),
    )


# what the council decided of a report at a meeting, as the minutes record it
COUNCIL_DECISIONS = {
    "appraise": "Hội đồng chốt điểm",
    "send_back_to_review": "Trả về thẩm định lại",
}


def session_decisions(session: CouncilSession, agenda: list) -> dict[int, str]:
    """The council's decision on each report on the day of the meeting (the last one that
    day), from the audit trail — never the report's state when the minutes are printed."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(session.held_on, datetime.time.min, tzinfo=zone)
    events = AuditEvent.objects.filter(
        object_type="submission",
        action__in=list(COUNCIL_DECISIONS),
        submission_id__in=[s.pk for s in agenda],
        created_at__gte=start,
        created_at__lt=start + datetime.timedelta(days=1),
    ).order_by("seq")
    out: dict[int, str] = {}
    for submission_id, action, comment in events.values_list("submission_id", "action", "comment"):
        text = COUNCIL_DECISIONS[action]
        if submission_id is not None:
            out[submission_id] = f"{text}: {comment}" if comment else text
    return out


BUILDERS = {
    "decision": build_decision,
    "year_report": build_year_report,
    "sheet": build_sheet,
    "minutes": build_minutes,
}


def builder(key: str):
    return BUILDERS[key.split(":", 1)[0]]


# a unit's result sheet is an annex of the decision: issued and signed with it, unnumbered,
# citing the decision's number
ISSUED = (*NUMBERED, "sheet")

# archival (PDF/A-2b keeps fonts embedded and allows the signatures added afterwards) and
# tagged for screen readers
PDF_OPTIONS = {"pdf_variant": "pdf/a-2b", "pdf_tags": True}


@dataclass
class Stamp:
    """What an issued document shows that a draft does not."""

    number: int | None
    symbol: str
    issued_on: datetime.date
    code: str
    verify_url: str
    qr: str
    person: str
    organisation: str

    @property
    def reference(self) -> str:
        return f"{self.number}/{self.symbol}" if self.number else ""


def issuer_of(campaign: Campaign, publication: Publication | None) -> Issuer:
    """The issuing data a campaign's documents print: frozen at publication, the current
    data (or its defaults) for drafts."""
    if publication is not None and publication.snapshot:
        return Issuer(**publication.snapshot)
    return Issuer.of(default_or_saved(campaign.program.owner))


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


def placements(document) -> dict[str, Placement]:
    """The signature boxes (elements with id "sig-…") as laid out, in PDF points."""
    out = {}
    for index, page in enumerate(document.pages):
        for name, (x1, y1, x2, y2) in page.anchors.items():
            if name.startswith("sig-"):
                # CSS px → pt is 0.75; PDF counts y from the bottom of the page
                bottom, top = (page.height - y2) * 0.75, (page.height - y1) * 0.75
                out[name[4:]] = Placement(index, (x1 * 0.75, bottom, x2 * 0.75, top))
    return out


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
    if existing is not None and existing.issued_on is not None:
        return existing
    built = builder(key)(campaign, key)
    snapshot = (
        Publication.objects.filter(campaign=campaign).values_list("snapshot", flat=True).first()
    )
    if snapshot and kind_of(key) in ISSUED:
        return issue_document(campaign, key, built, Issuer(**snapshot))
    if existing is not None and existing.fingerprint == built.fingerprint:
        return existing
    pdf, _boxes = render(campaign, built)
    return _store(campaign, key, built, pdf)


def _store(campaign: Campaign, key: str, built: Built, pdf: bytes, **issued) -> CampaignDocument:
    with transaction.atomic():
        document, _created = CampaignDocument.objects.select_for_update().get_or_create(
            campaign=campaign, key=key, defaults={"fingerprint": "", "title": built.title}
        )
        if document.issued_on is not None:  # another worker issued it meanwhile
            return document
        old_name = document.file.name if document.file else ""
        document.file.save(f"{key}.pdf", ContentFile(pdf), save=False)
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
        if old_name:
            transaction.on_commit(lambda: document.file.storage.delete(old_name))
    return document


def issue_document(campaign: Campaign, key: str, built: Built, issuer: Issuer) -> CampaignDocument:
    """Render the document as issued (its number, date, verification code and QR), sign it
    with the issuer's certificates where configured, and store the bytes once."""
    from documents import signing  # heavy (pyHanko): imported where it is used, in the worker

    kind = kind_of(key)
    code = new_code()
    url = f"{settings.SITE_URL}{reverse('verify_document', args=[code])}"
    roles = configured_roles(issuer.code)
    loaded = {role: signing.load_signer(issuer.code, role) for role in roles}
    # the annexes carry the organisation's signature only; the decision and report both
    if kind not in NUMBERED:
        loaded.pop("person", None)
    stamp = Stamp(
        number=issuer.numbers.get(kind),
        symbol=f"{SYMBOL_TYPES[kind]}-{issuer.symbol}",
        issued_on=datetime.date.fromisoformat(issuer.issued_on),
        code=code,
        verify_url=url,
        # a PNG: WeasyPrint places it faster than it draws the same code as SVG
        qr=segno.make(url, error="m").png_data_uri(scale=4, border=0),
        person=signing.subject_name(loaded["person"]) if "person" in loaded else "",
        organisation=signing.subject_name(loaded["organisation"])
        if "organisation" in loaded
        else "",
    )
    try:
        pdf, boxes = render(campaign, built, stamp)
        for role, signer in loaded.items():
            pdf = signing.sign(
                pdf,
                signer,
                field_name=f"ChuKy-{role}",
                placement=boxes.get(role),
                location=issuer.place,
                reason=f"Ban hành {built.title}"[:200],
            )
    finally:
        for signer in loaded.values():
            signing.release(signer)
    return _store(
        campaign,
        key,
        built,
        pdf,
        issued_on=stamp.issued_on,
        number=stamp.number,
        symbol=stamp.symbol if stamp.number else "",
        code=code,
        sha256=hashlib.sha256(pdf).hexdigest(),
        issuer_name=issuer.formal_name,
        signer_name=issuer.signer_name,
        signer_position=" / ".join(issuer.signer_position),
        certificate="; ".join(filter(None, [stamp.person, stamp.organisation]))[:300],
    )


# a document's type in its symbol (Decree 30, Appendix III)
SYMBOL_TYPES = {"decision": "QĐ", "year_report": "BC", "sheet": "PL", "minutes": "BB"}


def publication_keys(campaign: Campaign) -> list[str]:
    """What publication produces: the decision, the year report, a sheet per counted unit."""
    codes = UnitResult.objects.filter(campaign=campaign).order_by("unit__code")
    return ["decision", "year_report"] + [
        f"sheet:{code}" for code in codes.values_list("unit__code", flat=True)
    ]
