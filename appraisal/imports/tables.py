"""Tables people upload (CSV or XLSX): rows keyed by their header, each problem with where it
was found; and the cells every results and survey file shares (points, units, domains)."""

import csv
import io
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from appraisal.index import Component
from appraisal.models import (
    Organisation,
)
from appraisal.problems import Problem, decode_utf8

MAX_ROWS = 5000


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


MAX_POINTS = Decimal(1000)


def read_points(
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


def first_time(
    org: Organisation, number: int, seen: dict[int, int], where: str, problems: list[Problem]
) -> bool:
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


DOMAIN_COLUMN = re.compile(r"^domain_([0-9a-z.]+?)(_max)?$")


def domain_parts(row: dict[str, str], where: str, problems: list[Problem]) -> list[Component]:
    points: dict[str, Decimal] = {}
    maxima: dict[str, Decimal] = {}
    for column, value in row.items():
        match = DOMAIN_COLUMN.match(column)
        if not match or value == "":
            continue
        number = read_points(value, where, column, problems)
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


def spreadsheet_safe(value: object) -> str:
    """Text that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
