"""Writing results: the snapshot of a level at publication, past years' published results,
and the survey points. Every import is checked as a whole and written all or nothing."""

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.exceptions import ProblemsError
from appraisal.index import Component, LevelResults, UnitInput, compute_level
from appraisal.models import (
    Campaign,
    Organisation,
    Program,
    SurveyResult,
    SurveyUpload,
    UnitResult,
)
from appraisal.models.choices import Level, Ranked
from appraisal.problems import Problem, decode_utf8
from appraisal.results import previous_indices
from workflow.audit import AuditRow, audit_record, audit_records
from workflow.models import AuditKind
from workflow.states import CampaignState

MAX_ROWS = 5000
MAX_POINTS = Decimal(1000)


def _components(parts: list[Component]) -> list[dict]:
    return [
        {
            "code": part.code,
            "name_vi": part.name_vi,
            "name_en": part.name_en,
            "points": str(part.points),
            "max": str(part.maximum),
        }
        for part in parts
    ]


def results_store(*, campaign: Campaign, level: str, results: LevelResults) -> int:
    """Store a level's results as published: replaces that level's rows of this campaign
    (so running it twice gives the same rows). Runs in the caller's transaction."""
    UnitResult.objects.filter(campaign=campaign, level=level).delete()
    rows = [
        UnitResult(
            campaign=campaign,
            unit_id=result.unit.unit_id,
            level=level,
            appraisal_points=result.unit.appraisal_points,
            survey_points=result.unit.survey_points,
            total_points=result.total,
            max_points=result.unit.max_points,
            index=result.index.quantize(Decimal("0.00000001")),
            group=result.group,
            ranked=result.unit.ranked,
            rank=result.rank,
            previous_index=result.previous,
            components={
                "domains": _components(result.unit.domains),
                "criteria": _components(result.unit.criteria),
            },
        )
        for result in results.results
    ]
    UnitResult.objects.bulk_create(rows)
    return len(rows)


# Reading tables (CSV or XLSX) -----------------------------------------------------------


def read_table(data: bytes, filename: str) -> tuple[list[dict[str, str]], list[Problem]]:
    """Rows as {column: text} from a CSV (UTF-8) or XLSX file, with the header's row as 1."""
    if filename.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    text, problems = decode_utf8(data)
    if text is None:
        return [], problems
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    return _as_dicts(rows)


def _read_xlsx(data: bytes) -> tuple[list[dict[str, str]], list[Problem]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        return [], [Problem("", _("Tệp không phải bảng tính Excel (.xlsx) hợp lệ."))]
    sheet = book.worksheets[0]
    rows = []
    for index, row in enumerate(sheet.iter_rows(values_only=True)):
        if index > MAX_ROWS + 1:
            break
        rows.append(["" if value is None else str(value) for value in row])
    book.close()
    return _as_dicts(rows)


def _as_dicts(rows: list[list[str]]) -> tuple[list[dict[str, str]], list[Problem]]:
    if not rows:
        return [], [Problem("", _("Tệp trống."))]
    if len(rows) > MAX_ROWS + 1:
        return [], [Problem("", _("Tệp có quá %(n)s dòng.") % {"n": MAX_ROWS})]
    header = [cell.strip().lower() for cell in rows[0]]
    out = []
    for cells in rows[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        out.append(
            {
                name: (cells[i].strip() if i < len(cells) else "")
                for i, name in enumerate(header)
                if name
            }
        )
    return out, []


def _points(
    value: str, where: str, column: str, problems: list[Problem], *, required=True
) -> Decimal | None:
    if value == "":
        if required:
            problems.append(Problem(where, _("Thiếu giá trị cột %(col)s.") % {"col": column}))
        return None
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        number = None
    if (
        number is None
        or not number.is_finite()
        or number < 0
        or number > MAX_POINTS
        or number != number.quantize(Decimal("0.0001"))
    ):
        problems.append(
            Problem(
                where,
                _(
                    "Cột %(col)s: “%(value)s” không phải số điểm hợp lệ (0 đến 1000, tối đa 4 chữ số thập phân)."
                )
                % {"col": column, "value": value[:40]},
            )
        )
        return None
    return number + Decimal(0)


def _first_time(org: Organisation, number: int, seen: dict, where: str, problems: list) -> bool:
    """Whether a unit appears for the first time in the file (else the duplicate is named)."""
    if org.pk in seen:
        problems.append(
            Problem(
                where,
                _("%(unit)s đã có ở dòng %(row)s.") % {"unit": org.name_vi, "row": seen[org.pk]},
            )
        )
        return False
    seen[org.pk] = number
    return True


PREFIXES = ("thành phố", "tỉnh", "bộ")


def name_key(name: str) -> str:
    """A unit's name for matching: case, spacing and the "Bộ"/"Tỉnh"/"Thành phố" prefix
    do not count."""
    text = " ".join(unicodedata.normalize("NFC", name).casefold().split())
    for prefix in PREFIXES:
        if text.startswith(prefix + " "):
            return text[len(prefix) + 1 :]
    return text


@dataclass
class UnitMatcher:
    """Finds the units of a level that existed in a year, by code or by name."""

    level: str
    year: int
    by_code: dict[str, Organisation] = field(default_factory=dict)
    by_name: dict[str, list[Organisation]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        day = datetime.date(self.year, 12, 31)
        units = Organisation.objects.filter(kind=self.level, assessed=True).prefetch_related(
            "former_names"
        )
        for org in units:
            if not org.is_valid_on(day):
                continue
            self.by_code[org.code.casefold()] = org
            # its names of today and those it bore before (a renamed unit keeps its code)
            names = {org.name_vi, org.name_en}
            for former in org.former_names.all():
                names |= {former.name_vi, former.name_en}
            for name in names:
                if name:
                    self.by_name.setdefault(name_key(name), []).append(org)

    def find(self, row: dict[str, str], where: str, problems: list[Problem]) -> Organisation | None:
        code, name = row.get("unit_code", ""), row.get("unit_name", "")
        if code:
            org = self.by_code.get(code.casefold())
            if org is None:
                problems.append(
                    Problem(
                        where,
                        _("Không có đơn vị mã “%(code)s” trong năm %(year)s.")
                        % {"code": code[:40], "year": self.year},
                    )
                )
            return org
        if not name:
            problems.append(Problem(where, _("Cần cột unit_code hoặc unit_name.")))
            return None
        found = self.by_name.get(name_key(name), [])
        if len(found) != 1:
            problems.append(
                Problem(
                    where,
                    (
                        _("Không tìm thấy đơn vị “%(name)s” trong năm %(year)s.")
                        if not found
                        else _("Tên “%(name)s” ứng với nhiều đơn vị; dùng unit_code.")
                    )
                    % {"name": name[:80], "year": self.year},
                )
            )
            return None
        return found[0]


DOMAIN_COLUMN = re.compile(r"^domain_([0-9a-z.]+?)(_max)?$")


@dataclass
class PastResults:
    campaign: Campaign
    level: str
    stored: int


@transaction.atomic
def results_import(
    *,
    program: Program,
    year: int,
    level: str,
    data: bytes,
    filename: str,
    actor: AbstractBaseUser | None,
) -> PastResults:
    """Load a past year's published results of one level as a published campaign, so that
    year-on-year comparison works from the first year. Columns: `unit_code` or `unit_name`,
    `appraisal_points`, `survey_points`, optional `max_points` (default 100), optional
    `domain_<code>` points with `domain_<code>_max`. The same computation as live results."""
    if actor is not None and not permissions.is_secretariat(actor, program.pk):
        raise ValidationError(_("Chỉ cơ quan thường trực của chương trình mới được làm việc này."))
    if level not in Level.values:
        raise ValidationError(_("Cấp “%(level)s” không hợp lệ.") % {"level": level})
    rows, problems = read_table(data, filename)
    matcher = UnitMatcher(level=level, year=year)
    inputs, seen = [], {}
    for number, row in enumerate(rows, start=2):
        where = _("dòng %(n)s") % {"n": number}
        org = matcher.find(row, where, problems)
        appraisal = _points(row.get("appraisal_points", ""), where, "appraisal_points", problems)
        survey = _points(row.get("survey_points", ""), where, "survey_points", problems)
        maximum = _points(row.get("max_points", ""), where, "max_points", problems, required=False)
        maximum = Decimal(100) if maximum is None else maximum
        domains = _domain_parts(row, where, problems)
        if org is None or appraisal is None or survey is None:
            continue
        if not _first_time(org, number, seen, where, problems):
            continue
        if maximum <= 0 or appraisal + survey > maximum:
            problems.append(
                Problem(where, _("Tổng điểm vượt điểm tối đa (%(max)s).") % {"max": maximum})
            )
            continue
        inputs.append(
            UnitInput(
                unit_id=org.pk,
                code=org.code,
                name_vi=org.name_vi,
                name_en=org.name_en,
                region=org.region,
                ranked=org.ranked != Ranked.NO,
                appraisal_points=appraisal,
                survey_points=survey,
                max_points=maximum,
                domains=domains,
            )
        )
    if not rows and not problems:
        problems.append(Problem("", _("Tệp không có dòng dữ liệu nào.")))
    campaign = Campaign.objects.filter(program=program, year=year).first()
    if campaign is not None and not campaign.imported:
        problems.append(
            Problem(
                "",
                _("Năm %(year)s đã có đợt đánh giá trong hệ thống: không nhập đè kết quả.")
                % {"year": year},
            )
        )
    if problems:
        raise ProblemsError(problems)
    if campaign is None:
        campaign = Campaign.objects.create(
            program=program,
            year=year,
            name_vi=f"Chỉ số cải cách hành chính năm {year}",
            name_en=f"PAR Index {year}",
            state=CampaignState.PUBLISHED,
            imported=True,
            # published elsewhere, on a day not known here: the import day is not it
            published_at=None,
        )
    results = compute_level(inputs, previous_indices(campaign, level))
    stored = results_store(campaign=campaign, level=level, results=results)
    audit_record(
        kind=AuditKind.TRANSITION,
        actor=actor,
        program_id=program.pk,
        obj_type="campaign",
        obj_id=campaign.pk,
        action="import_results",
        field=level,
        new_value=f"{stored} {filename}"[:200],
        stage=CampaignState.PUBLISHED,
    )
    return PastResults(campaign, level, stored)


def _domain_parts(row: dict[str, str], where: str, problems: list[Problem]) -> list[Component]:
    points, maxima = {}, {}
    for column, value in row.items():
        match = DOMAIN_COLUMN.match(column)
        if not match or value == "":
            continue
        number = _points(value, where, column, problems)
        if number is None:
            continue
        (maxima if match.group(2) else points)[match.group(1)] = number
    parts = []
    for code in sorted(points, key=lambda c: [int(p) if p.isdigit() else 0 for p in c.split(".")]):
        maximum = maxima.get(code, Decimal(0))
        if maximum and points[code] > maximum:
            problems.append(
                Problem(where, _("Lĩnh vực %(code)s: điểm vượt điểm tối đa.") % {"code": code})
            )
        parts.append(Component(code, "", "", points[code], maximum))
    return parts


# Survey points --------------------------------------------------------------------------


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
    from appraisal.models import FrameworkNode
    from appraisal.models.choices import ScoringMode

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
    *, campaign: Campaign, data: bytes, filename: str, actor: AbstractBaseUser | None
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
    out, seen = [], {}
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
        points = _points(row.get("survey_points", ""), where, "survey_points", problems)
        domains = {part.code: part.points for part in _domain_parts(row, where, problems)}
        if unit is None or points is None or not _first_time(unit, number, seen, where, problems):
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
def survey_upload(
    *, campaign: Campaign, data: bytes, filename: str, actor: AbstractBaseUser
) -> SurveyPreview:
    """Keep the file and show what it would change (nothing is applied yet)."""
    preview = survey_preview(campaign=campaign, data=data, filename=filename, actor=actor)
    preview.upload = SurveyUpload.objects.create(
        campaign=campaign, filename=filename[:200], data=data, uploaded_by=actor
    )
    return preview


@transaction.atomic
def survey_apply(*, upload: SurveyUpload, actor: AbstractBaseUser, ip: str | None = None) -> int:
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
    upload.applied_at = timezone.now()
    upload.save(update_fields=["applied_at"])
    return len(rows)


@transaction.atomic
def submission_exclude(*, submission, reason: str, actor: AbstractBaseUser, ip: str | None = None):
    """Leave a report out of the year's results (or, with an empty reason, take it back in)."""
    from appraisal.models import Submission

    submission = (
        Submission.objects.select_related("campaign", "unit")
        .select_for_update(of=("self",))
        .get(pk=submission.pk)
    )
    if not permissions.is_secretariat(actor, submission.campaign.program_id):
        raise ValidationError(_("Chỉ cơ quan thường trực của chương trình mới được làm việc này."))
    if submission.campaign.state in (CampaignState.PUBLISHED, CampaignState.ARCHIVED):
        raise ValidationError(_("Kết quả đã công bố: không thay đổi phạm vi tính kết quả."))
    reason = reason.strip()[:2000]
    if reason == submission.exclusion_reason:
        return submission
    audit_record(
        kind=AuditKind.TRANSITION,
        actor=actor,
        ip=ip,
        program_id=submission.campaign.program_id,
        submission_id=submission.pk,
        obj_type="submission",
        obj_id=submission.pk,
        action="exclude" if reason else "include",
        field="exclusion_reason",
        old_value=submission.exclusion_reason,
        new_value=reason,
        comment=reason,
        stage=submission.campaign.state,
    )
    submission.exclusion_reason = reason
    submission.save(update_fields=["exclusion_reason", "updated_at"])
    return submission
