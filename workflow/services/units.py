"""Loading the organisations of a program, with their lineage, from a CSV file."""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from appraisal.models import Organisation, OrganisationLineage, OrganisationName
from appraisal.models.choices import OrganisationKind, Ranked, Region
from appraisal.problems import Problem, ProblemsError, decode_utf8
from workflow.statistics import after_bulk_write

COLUMNS = [
    "code",
    "name_vi",
    "name_en",
    "kind",
    "region",
    "assessed",
    "ranked",
    "valid_from",
    "valid_to",
    "predecessors",
]
# "08 02" (formed from these, on valid_from) or "BKHDT (from 2025-03-01)" (absorbed on a date)
PREDECESSOR_RE = re.compile(r"([^\s()]+)(?:\s*\(from (\d{4}-\d{2}-\d{2})\))?")
# The organisation fields a row sets: every column but the key and the lineage, plus the parent.
ORG_FIELDS = (
    *(column for column in COLUMNS if column not in ("code", "predecessors")),
    "parent_id",
)


@dataclass
class UnitsLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    lineage_created: int = 0
    codes: list[str] = field(default_factory=list)


def _date(value: str, where: str, column: str, problems: list[Problem]) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        problems.append(
            Problem(
                where,
                _("Cột %(col)s: “%(value)s” không phải ngày dạng YYYY-MM-DD.")
                % {"col": column, "value": value},
            )
        )
        return None


def parse_units_csv(data: bytes) -> tuple[list[dict[str, Any]], list[Problem]]:
    text, problems = decode_utf8(data)
    if text is None:
        return [], problems
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in COLUMNS if name not in header]
    if unknown or missing:
        for name in unknown:
            problems.append(
                Problem(_("dòng 1"), _("Cột không được hỗ trợ “%(col)s”.") % {"col": name})
            )
        for name in missing:
            problems.append(
                Problem(_("dòng 1"), _("Thiếu cột bắt buộc “%(col)s”.") % {"col": name})
            )
        return [], problems

    rows: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for number, raw in enumerate(reader, start=2):
        where = _("dòng %(line)s") % {"line": number}
        if None in raw:
            problems.append(Problem(where, _("Dòng có nhiều cột hơn tiêu đề.")))
            continue
        row = {key: (value or "").strip() for key, value in raw.items()}
        code = row["code"]
        if not code or len(code) > 40:
            problems.append(Problem(where, _("Mã đơn vị trống hoặc dài quá 40 ký tự.")))
            continue
        if code in seen:
            problems.append(
                Problem(
                    where,
                    _("Mã “%(code)s” bị trùng (đã có ở %(other)s).")
                    % {"code": code, "other": seen[code]},
                )
            )
            continue
        seen[code] = where
        if not row["name_vi"]:
            problems.append(Problem(where, _("Thiếu tên tiếng Việt.")))
        if row["kind"] not in OrganisationKind.values:
            problems.append(
                Problem(where, _("Loại đơn vị “%(value)s” không hợp lệ.") % {"value": row["kind"]})
            )
        if row["region"] and row["region"] not in Region.values:
            problems.append(
                Problem(where, _("Vùng “%(value)s” không hợp lệ.") % {"value": row["region"]})
            )
        if row["assessed"] not in ("yes", "no"):
            problems.append(Problem(where, _("Cột assessed phải là yes hoặc no.")))
        if row["ranked"] not in Ranked.values:
            problems.append(Problem(where, _("Cột ranked phải là yes, no hoặc unknown.")))
        valid_from = _date(row["valid_from"], where, "valid_from", problems)
        valid_to = _date(row["valid_to"], where, "valid_to", problems)
        if valid_from and valid_to and valid_from > valid_to:
            problems.append(Problem(where, _("valid_from phải trước valid_to.")))
        links = []
        rest = row["predecessors"]
        for match in PREDECESSOR_RE.finditer(rest):
            predecessor, on = match.group(1), match.group(2)
            effective = _date(on, where, "predecessors", problems) if on else valid_from
            if effective is None:
                problems.append(
                    Problem(
                        where,
                        _(
                            "Đơn vị tiền thân “%(code)s” cần ngày: “(from YYYY-MM-DD)” hoặc valid_from."
                        )
                        % {"code": predecessor},
                    )
                )
            links.append((predecessor, effective))
        if PREDECESSOR_RE.sub("", rest).strip():
            problems.append(
                Problem(
                    where, _("Cột predecessors không đúng dạng: “%(value)s”.") % {"value": rest}
                )
            )
        rows.append(
            {
                "where": where,
                "code": code,
                "name_vi": row["name_vi"],
                "name_en": row["name_en"],
                "kind": row["kind"],
                "region": row["region"],
                "assessed": row["assessed"] == "yes",
                "ranked": row["ranked"],
                "valid_from": valid_from,
                "valid_to": valid_to,
                "links": links,
            }
        )
    for row in rows:
        for predecessor, _on in row["links"]:
            if predecessor not in seen:
                problems.append(
                    Problem(
                        row["where"],
                        _("Đơn vị tiền thân “%(code)s” không có trong tệp.")
                        % {"code": predecessor},
                    )
                )
            elif predecessor == row["code"]:
                problems.append(
                    Problem(row["where"], _("Một đơn vị không thể là tiền thân của chính nó."))
                )
    # A merged province keeps the region of its first predecessor when the file gives none,
    # so that region averages still cover it.
    regions = {row["code"]: row["region"] for row in rows}
    for row in rows:
        if not row["region"] and row["kind"] == OrganisationKind.PROVINCE and row["links"]:
            row["region"] = regions.get(row["links"][0][0], "")
    return rows, problems


@transaction.atomic
def units_load(*, data: bytes, parent: Organisation | None = None) -> UnitsLoadResult:
    """Create or update organisations and their lineage. Idempotent; all or nothing."""
    rows, problems = parse_units_csv(data)
    if problems:
        raise ProblemsError(problems)
    result = UnitsLoadResult()
    existing = {
        org.code: org for org in Organisation.objects.filter(code__in=[r["code"] for r in rows])
    }
    for row in rows:
        values = {key: row[key] for key in ORG_FIELDS if key in row}
        values["parent_id"] = parent.pk if parent else None
        org = existing.get(row["code"])
        if org is None:
            existing[row["code"]] = Organisation.objects.create(code=row["code"], **values)
            result.created += 1
        elif any(getattr(org, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(org, key, value)
            org.save()
            result.updated += 1
        else:
            result.unchanged += 1
        result.codes.append(row["code"])
    after_bulk_write([Organisation], result.created + result.updated)
    present = set(
        OrganisationLineage.objects.filter(successor__code__in=existing).values_list(
            "successor__code", "predecessor__code"
        )
    )
    for row in rows:
        for predecessor, effective in row["links"]:
            if (row["code"], predecessor) in present:
                continue
            OrganisationLineage.objects.create(
                successor=existing[row["code"]],
                predecessor=existing[predecessor],
                effective_on=effective,
            )
            result.lineage_created += 1
    return result


NAME_COLUMNS = ("code", "name_vi", "name_en", "valid_until")


@transaction.atomic
def unit_names_load(*, data: bytes) -> int:
    """Load the former names of units renamed without a merger (code, name_vi, name_en,
    valid_until as yyyy-mm-dd). Idempotent; all or nothing. Returns how many were added or
    changed."""
    text, problems = decode_utf8(data)
    rows = []
    if text is not None:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if list(reader.fieldnames or []) != list(NAME_COLUMNS):
            problems.append(
                Problem(
                    _("dòng 1"),
                    _("Tiêu đề phải là: %(cols)s.") % {"cols": ",".join(NAME_COLUMNS)},
                )
            )
        else:
            known = dict(Organisation.objects.values_list("code", "pk"))
            for number, raw in enumerate(reader, start=2):
                where = _("dòng %(line)s") % {"line": number}
                row = {key: (value or "").strip() for key, value in raw.items() if key}
                if row["code"] not in known:
                    problems.append(
                        Problem(where, _("Không có đơn vị mã “%(code)s”.") % {"code": row["code"]})
                    )
                    continue
                if not row["name_vi"]:
                    problems.append(Problem(where, _("Thiếu tên tiếng Việt.")))
                    continue
                try:
                    until = datetime.date.fromisoformat(row["valid_until"])
                except ValueError:
                    problems.append(Problem(where, _("Ngày phải theo dạng yyyy-mm-dd.")))
                    continue
                rows.append((known[row["code"]], row["name_vi"], row["name_en"], until))
    if problems:
        raise ProblemsError(problems)
    for organisation_id, name_vi, name_en, until in rows:
        OrganisationName.objects.update_or_create(
            organisation_id=organisation_id,
            valid_until=until,
            defaults={"name_vi": name_vi, "name_en": name_en},
        )
    return len(rows)
