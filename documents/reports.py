"""The self-assessment report (Báo cáo tự đánh giá, chấm điểm) as a PDF in the layout of
Vietnamese administrative documents (Decree 30/2020/NĐ-CP, Appendix I)."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone, translation

from appraisal.models import RoleAssignment, ScoreItem, Submission
from appraisal.models.choices import Role, ScoringMode
from appraisal.selectors.workspace import workspace
from documents.issuers import Issuer, default_or_saved
from documents.models import GeneratedReport

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"


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


def render_self_assessment(submission: Submission) -> bytes:
    from weasyprint import HTML  # heavy: imported where it is used, in the worker

    domains, overall = workspace(submission)
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
    without_evidence = [
        i
        for d in domains
        for i in d.items
        if i.scoring_mode == ScoringMode.SELF and i.evidence_count == 0
    ]
    issuer = Issuer.of(default_or_saved(submission.unit))
    if not issuer.signer_name and leader:
        issuer.signer_name = leader.user.get_full_name()
    with translation.override("vi"):
        html = render_to_string(
            "reports/self_assessment.html",
            {
                "submission": submission,
                "domains": domains,
                "overall": overall,
                "without_evidence": without_evidence,
                "leader": leader.user.get_full_name() if leader else "",
                "issuer": issuer,
                "today": timezone.localdate(),
                "font_dir": FONT_DIR.as_uri(),
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def ensure_self_assessment_report(submission_id: int) -> GeneratedReport:
    """Make the report unless the stored one already shows the current data. Safe to run
    twice (the unique row is locked while it is made)."""
    submission = Submission.objects.select_related("campaign", "unit", "framework").get(
        pk=submission_id
    )
    current = fingerprint(submission)
    existing = GeneratedReport.objects.filter(
        submission=submission, kind=GeneratedReport.Kind.SELF_ASSESSMENT
    ).first()
    if existing is not None and existing.fingerprint == current:
        return existing
    pdf = render_self_assessment(submission)
    with transaction.atomic():
        report, _created = GeneratedReport.objects.select_for_update().get_or_create(
            submission=submission,
            kind=GeneratedReport.Kind.SELF_ASSESSMENT,
            defaults={"fingerprint": ""},
        )
        old_name = report.file.name if report.file else ""
        report.file.save(f"{submission.unit.code}.pdf", ContentFile(pdf), save=False)
        report.fingerprint = current
        report.save()
        if old_name:
            transaction.on_commit(lambda: report.file.storage.delete(old_name))
    return report
