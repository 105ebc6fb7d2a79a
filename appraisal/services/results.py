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
from appraisal.models import Campaign, Organisation, Program, UnitResult
from appraisal.models.choices import Level, Ranked
from appraisal.problems import Problem, decode_utf8
from appraisal.results import previous_indices
from workflow.audit import audit_record
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
        for org in Organisation.objects.filter(kind=self.level, assessed=True):
            if not org.is_valid_on(day):
                continue
            self.by_code[org.code.casefold()] = org
            for name in (org.name_vi, org.name_en):
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
        if org.pk in seen:
            problems.append(
                Problem(
                    where,
                    _("%(unit)s đã có ở dòng %(row)s.")
                    % {"unit": org.name_vi, "row": seen[org.pk]},
                )
            )
            continue
        seen[org.pk] = number
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
            published_at=timezone.now(),
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
