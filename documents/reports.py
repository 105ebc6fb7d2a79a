"""The self-assessment report (Báo cáo tự đánh giá, chấm điểm) as a PDF in the layout of
Vietnamese administrative documents (Decree 30/2020/NĐ-CP, Appendix I).

Until the unit's leader approves and sends it, the report is a draft (DỰ THẢO, no number),
made again whenever what it shows changes. The approval numbers it from the unit's outgoing
register (`number_report`, in the approving transaction); the worker then renders it once as
issued — date, number, verification code, the unit's signatures where configured — and it
never changes again. A self-assessment reopened and sent again gets a new report and a new
number; the earlier one is kept (superseded) so that what was sent can still be checked."""

import hashlib

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone, translation

from appraisal.models import RoleAssignment, ScoreItem, Submission
from appraisal.models.choices import Role, ScoringMode
from appraisal.models.states import SubmissionState
from appraisal.selectors.workspace import workspace
from documents.issuers import Issuer, default_or_saved, number, replace_file
from documents.models import GeneratedReport
from documents.signers import Placement
from documents.stamping import FONT_DIR, PDF_OPTIONS, Signatures, Stamp, placements
from workflow.audit import audit_record
from workflow.models import AuditKind

# where a sent report goes back to being a draft (reopened, returned)
BEFORE_SENDING = (SubmissionState.DRAFT, SubmissionState.PENDING_APPROVAL)


def fingerprint(submission: Submission) -> str:
    """Changes whenever anything the report shows changes."""
    rows = (
        ScoreItem.objects.filter(submission=submission)
        .annotate(evidence=Count("bindings"))
        .order_by("position")
        .values_list("node__code", "self_score", "explanation", "applicable", "evidence")
    )
    issuer = Issuer.of(default_or_saved(submission.unit)).as_json()
    payload = repr((submission.state, submission.unit.name_vi, issuer, list(rows))).encode()
    return hashlib.sha256(payload).hexdigest()


def _leader_name(submission: Submission) -> str:
    leader = (
        RoleAssignment.objects.filter(
            program_id=submission.campaign.program_id,
            organisation_id=submission.unit_id,
            role=Role.LEADER,
        )
        .select_related("user")
        .order_by("granted_at")
        .first()
    )
    return leader.user.get_full_name() if leader else ""


def unit_issuer(submission: Submission) -> Issuer:
    """The unit as its report names it; its leader signs unless the unit names a signer."""
    issuer = Issuer.of(default_or_saved(submission.unit))
    issuer.signer_name = issuer.signer_name or _leader_name(submission)
    return issuer


def render_self_assessment(
    submission: Submission, stamp: Stamp | None = None
) -> tuple[bytes, dict[str, Placement]]:
    from weasyprint import HTML  # heavy: imported where it is used, in the worker

    domains, overall = workspace(submission)
    without_evidence = [
        i
        for d in domains
        for i in d.items
        if i.scoring_mode == ScoringMode.SELF and i.evidence_count == 0
    ]
    with translation.override("vi"):
        html = render_to_string(
            "reports/self_assessment.html",
            {
                "submission": submission,
                "domains": domains,
                "overall": overall,
                "without_evidence": without_evidence,
                "issuer": unit_issuer(submission),
                "stamp": stamp,
                "draft": stamp is None,
                "today": stamp.issued_on if stamp else timezone.localdate(),
                "font_dir": FONT_DIR.as_uri(),
            },
        )
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(**PDF_OPTIONS)
    return document.write_pdf(**PDF_OPTIONS), placements(document)


def _current(submission: Submission):
    return GeneratedReport.objects.filter(
        submission=submission, kind=GeneratedReport.Kind.SELF_ASSESSMENT, superseded=False
    )


def number_report(submission: Submission) -> GeneratedReport:
    """At the leader's approval, inside its transaction: the report of this version takes
    the next number of the unit's register for the year (an earlier issued report is kept,
    superseded). The worker renders it afterwards (`ensure_self_assessment_report`)."""
    assert transaction.get_connection().in_atomic_block, "numbered with the approval"
    report = _current(submission).select_for_update().first()
    if report is not None and report.issued_on is not None:
        report.superseded = True
        report.save(update_fields=["superseded"])
        report = None
    report = report or GeneratedReport(
        submission=submission, kind=GeneratedReport.Kind.SELF_ASSESSMENT
    )
    issuer = unit_issuer(submission)
    number(report, submission.unit, f"BC-{issuer.symbol}")
    report.issuer_name, report.signer_name = issuer.formal_name, issuer.signer_name
    report.signer_position = " / ".join(issuer.signer_position)
    report.fingerprint = ""
    report.save()
    return report


def ensure_self_assessment_report(submission_id: int) -> GeneratedReport:
    """The report as it stands: an issued one as it was issued (rendered once, the first
    time), a draft made again only when what it shows changed. Safe to run twice (the row is
    locked while it is stored)."""
    submission = Submission.objects.select_related(
        "campaign", "campaign__program", "unit", "framework"
    ).get(pk=submission_id)
    report = _current(submission).first()
    sent = submission.state not in BEFORE_SENDING
    if report is not None and report.issued_on is not None and sent:
        return report if report.sha256 else _issue(submission, report)
    current = fingerprint(submission)
    if report is not None and report.issued_on is None and report.fingerprint == current:
        return report
    pdf, _boxes = render_self_assessment(submission)
    with transaction.atomic():
        report = _current(submission).select_for_update().first()
        if report is not None and report.issued_on is not None:
            # sent, then reopened: the draft of the new version replaces it
            report.superseded = True
            report.save(update_fields=["superseded"])
            report = None
        report = report or GeneratedReport(
            submission=submission, kind=GeneratedReport.Kind.SELF_ASSESSMENT
        )
        replace_file(report, f"{submission.unit.code}.pdf", pdf)
        report.fingerprint = current
        report.save()
    return report


def _issue(submission: Submission, report: GeneratedReport) -> GeneratedReport:
    """Render the numbered report as issued, sign it where the unit has certificates."""
    issuer = unit_issuer(submission)
    with Signatures(
        issuer,
        number=report.number,
        symbol=report.symbol,
        issued_on=report.issued_on or timezone.localdate(),
        code=report.code or "",
    ) as signatures:
        pdf, boxes = render_self_assessment(submission, signatures.stamp)
        pdf = signatures.sign(pdf, boxes, f"Báo cáo {report.symbol} số {report.number}")
    record = signatures.stamp.record(issuer, hashlib.sha256(pdf).hexdigest())
    with transaction.atomic():
        locked = GeneratedReport.objects.select_for_update().get(pk=report.pk)
        if locked.sha256:  # another worker issued it meanwhile
            return locked
        replace_file(locked, f"{submission.unit.code}.pdf", pdf)
        locked.sha256, locked.certificate = record["sha256"], record["certificate"]
        locked.save()
        audit_record(
            kind=AuditKind.DOCUMENT,
            actor=None,
            program_id=submission.campaign.program_id,
            submission_id=submission.pk,
            obj_type="generated_report",
            obj_id=locked.pk,
            action="issue",
            new_value=locked.sha256,
            comment=f"{locked.reference} · {submission.unit.name_vi}",
        )
    return locked
