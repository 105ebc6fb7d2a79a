"""The sociological survey's points: a file previewed, then applied to the year's reports."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.imports.tables import domain_parts, first_time, name_key, read_points, read_table
from appraisal.models import (
    Campaign,
    FrameworkNode,
    Organisation,
    SurveyResult,
    SurveyUpload,
)
from appraisal.models.choices import ScoringMode
from appraisal.models.states import CampaignState
from appraisal.problems import Problem, ProblemsError
from workflow.audit import AuditRow, audit_records
from workflow.models import AuditKind
from workflow.statistics import after_bulk_write


@dataclass
class SurveyRow:
    unit: Organisation
    points: Decimal
    domains: dict[str, str]
    maximum: Decimal
    current: Decimal | None  # what is stored now, if anything


@dataclass
class SurveyPreview:
    upload: SurveyUpload | None
    rows: list[SurveyRow]
    problems: list[Problem]  # block the import
    missing: list[Organisation]  # units in scope without a row (a warning)

    @property
    def can_apply(self) -> bool:
        return bool(self.rows) and not self.problems


def survey_maxima(campaign: Campaign) -> dict[str, tuple[Decimal, dict[str, Decimal]]]:
    """level → (survey maximum, {domain code: survey maximum}) of the campaign's frameworks."""
    out: dict[str, tuple[Decimal, dict[str, Decimal]]] = {}
    for pinned in campaign.frameworks.select_related("framework"):
        nodes = list(FrameworkNode.objects.filter(framework=pinned.framework).order_by("position"))
        parents = {node.pk: node for node in nodes}
        per_domain: dict[str, Decimal] = {}
        for node in nodes:
            if node.is_leaf and node.scoring_mode == ScoringMode.SURVEY:
                top = node
                while top.parent_id:
                    top = parents[top.parent_id]
                per_domain[top.code] = per_domain.get(top.code, Decimal(0)) + node.max_points
        out[pinned.level] = (sum(per_domain.values(), Decimal(0)), per_domain)
    return out


def survey_preview(
    *, campaign: Campaign, data: bytes, filename: str, actor: User | None
) -> SurveyPreview:
    """Check a survey file against the campaign: every problem named with its row."""
    if actor is not None and not permissions.is_secretariat(actor, campaign.program_id):
        raise ValidationError(_("Chỉ cơ quan thường trực của chương trình mới được làm việc này."))
    rows, problems = read_table(data, filename)
    submissions = {
        s.unit_id: s for s in campaign.submissions.select_related("unit").order_by("unit__code")
    }
    by_code = {s.unit.code.casefold(): s.unit for s in submissions.values()}
    by_name: dict[str, list[Organisation]] = {}
    for submission in submissions.values():
        for name in (submission.unit.name_vi, submission.unit.name_en):
            if name:
                by_name.setdefault(name_key(name), []).append(submission.unit)
    maxima = survey_maxima(campaign)
    current = dict(SurveyResult.objects.filter(campaign=campaign).values_list("unit_id", "points"))
    out: list[SurveyRow] = []
    seen: dict[int, int] = {}
    for number, row in enumerate(rows, start=2):
        where = _("dòng %(n)s") % {"n": number}
        code, name = row.get("unit_code", ""), row.get("unit_name", "")
        if code:
            unit = by_code.get(code.casefold())
        else:
            found = by_name.get(name_key(name), []) if name else []
            unit = found[0] if len(found) == 1 else None
        if unit is None:
            problems.append(
                Problem(
                    where,
                    _("Đơn vị “%(unit)s” không thuộc đợt đánh giá.")
                    % {"unit": (code or name)[:80]},
                )
            )
        points = read_points(row.get("survey_points", ""), where, "survey_points", problems)
        domains = {part.code: part.points for part in domain_parts(row, where, problems)}
        if unit is None or points is None or not first_time(unit, number, seen, where, problems):
            continue
        level = submissions[unit.pk].level
        maximum, domain_maxima = maxima.get(level, (Decimal(0), {}))
        if points > maximum:
            problems.append(
                Problem(
                    where,
                    _("%(unit)s: %(points)s vượt điểm điều tra tối đa %(max)s.")
                    % {"unit": unit.name_vi, "points": points, "max": maximum},
                )
            )
        for code_, value in domains.items():
            if code_ not in domain_maxima or value > domain_maxima[code_]:
                problems.append(
                    Problem(
                        where,
                        _("Lĩnh vực %(code)s: %(points)s không hợp lệ (tối đa %(max)s).")
                        % {"code": code_, "points": value, "max": domain_maxima.get(code_, 0)},
                    )
                )
        if domains and sum(domains.values(), Decimal(0)) != points:
            problems.append(
                Problem(where, _("Tổng điểm theo lĩnh vực khác điểm điều tra của đơn vị."))
            )
        out.append(
            SurveyRow(
                unit, points, {k: str(v) for k, v in domains.items()}, maximum, current.get(unit.pk)
            )
        )
    if not rows and not problems:
        problems.append(Problem("", _("Tệp không có dòng dữ liệu nào.")))
    missing = [
        s.unit
        for unit_id, s in submissions.items()
        if unit_id not in seen and not s.exclusion_reason
    ]
    return SurveyPreview(upload=None, rows=out, problems=problems, missing=missing)


@transaction.atomic
def survey_upload(*, campaign: Campaign, data: bytes, filename: str, actor: User) -> SurveyPreview:
    """Keep the file and show what it would change (nothing is applied yet)."""
    preview = survey_preview(campaign=campaign, data=data, filename=filename, actor=actor)
    preview.upload = SurveyUpload.objects.create(
        campaign=campaign, filename=filename[:200], data=data, uploaded_by=actor
    )
    return preview


@transaction.atomic
def survey_apply(*, upload: SurveyUpload, actor: User, ip: str | None = None) -> int:
    """Apply a previewed file: every row or none; each unit's change is audited."""
    upload = SurveyUpload.objects.select_for_update().select_related("campaign").get(pk=upload.pk)
    if upload.applied_at is not None:
        raise ValidationError(_("Tệp này đã được áp dụng."))
    campaign = upload.campaign
    if campaign.state in (CampaignState.PUBLISHED, CampaignState.ARCHIVED):
        raise ValidationError(_("Kết quả đã công bố: không thay đổi điểm điều tra."))
    preview = survey_preview(
        campaign=campaign, data=bytes(upload.data), filename=upload.filename, actor=actor
    )
    if not preview.can_apply:
        raise ProblemsError(preview.problems or [Problem("", _("Tệp không có dòng dữ liệu nào."))])
    rows = []
    for row in preview.rows:
        SurveyResult.objects.update_or_create(
            campaign=campaign,
            unit=row.unit,
            defaults={"points": row.points, "domains": row.domains, "imported_by": actor},
        )
        rows.append(
            AuditRow(
                kind=AuditKind.SCORE,
                actor=actor,
                ip=ip,
                program_id=campaign.program_id,
                obj_type="survey_result",
                obj_id=row.unit.pk,
                action="survey_import",
                field=row.unit.code,
                old_value="" if row.current is None else str(row.current),
                new_value=str(row.points),
                comment=upload.filename,
                stage=campaign.state,
            )
        )
    audit_records(rows)
    after_bulk_write([SurveyResult], len(rows))
    upload.applied_at = timezone.now()
    upload.save(update_fields=["applied_at"])
    return len(rows)
