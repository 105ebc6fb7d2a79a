"""XLSX framework files, for secretariats that work in Excel.

Sheet `framework`: one row per metadata field (field, value). Sheet `nodes`: a header row,
then one row per node in order, the parent given by the code (1.2.3 belongs to 1.2).
Choice levels and ratio bands go in `options` as “points = label | points = label” and
“min_ratio = points | …” (or “linear”).
"""

import io
import zipfile
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException

from appraisal.imports.frameworks.checks import validate_tree
from appraisal.imports.frameworks.spec import (
    FRAMEWORK_FIELDS,
    FrameworkSpec,
    NodeSpec,
    Problem,
    build_framework_spec,
    fmt_decimal,
    parse_decimal,
)
from appraisal.models.choices import ScoringMethod

META_SHEET = "framework"
NODES_SHEET = "nodes"
COLUMNS = (
    "code",
    "name_vi",
    "name_en",
    "max_points",
    "owner",
    "mode",
    "method",
    "options",
    "step",
    "numerator",
    "denominator",
    "guidance",
)
MAX_ROWS = 5000


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _where(row: int, sheet: str = NODES_SHEET) -> str:
    return str(_("trang “%(sheet)s”, dòng %(row)s") % {"sheet": sheet, "row": row})


def _parse_pairs(text: str, where: str, problems: list[Problem]) -> list[tuple[str, str]]:
    pairs = []
    for part in text.split("|"):
        if not part.strip():
            continue
        if "=" not in part:
            problems.append(
                Problem(
                    where,
                    _("“%(part)s” trong cột options cần dạng “giá trị = mô tả”.")
                    % {"part": part.strip()},
                )
            )
            continue
        left, right = part.split("=", 1)
        pairs.append((left.strip(), right.strip()))
    return pairs


def _params_from_row(row: dict, where: str, problems: list[Problem]) -> dict:
    method, options = row["method"], row["options"]
    if method == ScoringMethod.CHOICE:
        return {
            "options": [
                {"points": p, "label": label} for p, label in _parse_pairs(options, where, problems)
            ]
        }
    if method == ScoringMethod.RATIO:
        params: dict = {"numerator": row["numerator"], "denominator": row["denominator"]}
        if options.lower() == "linear":
            params["linear"] = True
        else:
            params["bands"] = [
                {"min_ratio": r, "points": p} for r, p in _parse_pairs(options, where, problems)
            ]
        return params
    if method in (ScoringMethod.NUMBER, ScoringMethod.DEDUCTION) and row["step"]:
        return {"step": row["step"]}
    stray = [key for key in ("options", "numerator", "denominator", "step") if row[key]]
    if stray and method not in (ScoringMethod.NUMBER, ScoringMethod.DEDUCTION):
        problems.append(
            Problem(
                where,
                _("Cột %(cols)s không dùng cho phương pháp chấm này.") % {"cols": ", ".join(stray)},
            )
        )
    return {}


def read_xlsx(data: bytes) -> tuple[FrameworkSpec | None, list[Problem]]:
    problems: list[Problem] = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        return None, [
            Problem(
                "", _("Tệp Excel không đọc được: %(error)s") % {"error": exc.__class__.__name__}
            )
        ]
    try:
        missing = [name for name in (META_SHEET, NODES_SHEET) if name not in workbook.sheetnames]
        if missing:
            return None, [
                Problem("", _("Tệp Excel thiếu trang “%(sheet)s”.") % {"sheet": name})
                for name in missing
            ]
        meta: dict[str, Any] = {}
        for index, row in enumerate(workbook[META_SHEET].iter_rows(values_only=True), start=1):
            if not row or row[0] is None:
                continue
            key = _cell_text(row[0])
            if index == 1 and key == "field":
                continue
            if key not in FRAMEWORK_FIELDS:
                problems.append(
                    Problem(
                        _where(index, META_SHEET),
                        _("Trường không được hỗ trợ “%(key)s”.") % {"key": key},
                    )
                )
                continue
            meta[key] = row[1] if len(row) > 1 else None
        spec = build_framework_spec(meta, _where(1, META_SHEET), problems)

        rows = workbook[NODES_SHEET].iter_rows(values_only=True)
        header = [_cell_text(value) for value in next(rows, ())]
        while header and header[-1] == "":
            header.pop()
        unknown = [name for name in header if name not in COLUMNS]
        for name in unknown:
            problems.append(
                Problem(_where(1), _("Cột không được hỗ trợ “%(col)s”.") % {"col": name})
            )
        for name in ("code", "name_vi", "max_points"):
            if name not in header:
                problems.append(
                    Problem(_where(1), _("Thiếu cột bắt buộc “%(col)s”.") % {"col": name})
                )
        if unknown or (problems and spec is None):
            return None, problems
        nodes: list[NodeSpec] = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_ROWS:
                problems.append(Problem(_where(number), _("Tệp có quá nhiều dòng.")))
                break
            row = dict.fromkeys(COLUMNS, "")
            for name, value in zip(header, values, strict=False):
                if name:
                    row[name] = _cell_text(value)
            if not any(row.values()):
                continue
            where = _where(number)
            max_points = parse_decimal(row["max_points"], where, "max_points", problems)
            nodes.append(
                NodeSpec(
                    code=row["code"],
                    name_vi=row["name_vi"],
                    name_en=row["name_en"],
                    max_points=max_points if max_points is not None else Decimal(0),
                    where=where,
                    mode=row["mode"],
                    method=row["method"],
                    params=_params_from_row(row, where, problems),
                    guidance=row["guidance"],
                    owner=row["owner"],
                )
            )
    finally:
        workbook.close()
    if spec is None:
        return None, problems
    spec.nodes = nodes
    if not problems:
        validate_tree(spec, problems)
    return (None if problems else spec), problems


def _row_of(node: NodeSpec) -> list[str]:
    params = node.params or {}
    options = ""
    if node.method == ScoringMethod.CHOICE:
        options = " | ".join(f"{o['points']} = {o['label']}" for o in params.get("options", []))
    elif node.method == ScoringMethod.RATIO:
        options = (
            "linear"
            if params.get("linear")
            else " | ".join(f"{b['min_ratio']} = {b['points']}" for b in params.get("bands", []))
        )
    return [
        node.code,
        node.name_vi,
        node.name_en,
        fmt_decimal(node.max_points),
        node.owner,
        node.mode,
        node.method,
        options,
        params.get("step", ""),
        params.get("numerator", ""),
        params.get("denominator", ""),
        node.guidance,
    ]


def write_xlsx(spec: FrameworkSpec) -> bytes:
    workbook = Workbook()
    meta_sheet = workbook.active
    meta_sheet.title = META_SHEET
    meta_sheet.append(["field", "value"])
    for key in FRAMEWORK_FIELDS:
        value = getattr(spec, key)
        meta_sheet.append([key, fmt_decimal(value) if isinstance(value, Decimal) else value])
    meta_sheet.column_dimensions["A"].width = 20
    meta_sheet.column_dimensions["B"].width = 90
    nodes_sheet = workbook.create_sheet(NODES_SHEET)
    nodes_sheet.append(list(COLUMNS))
    for cell in nodes_sheet[1]:
        cell.font = Font(bold=True)
    for node in spec.nodes:
        # Text cells throughout: points stay exact and no cell is read as a formula.
        nodes_sheet.append(_row_of(node))
    for column, width in zip(
        "ABCDEFGHIJKL", (9, 60, 40, 10, 8, 8, 10, 50, 6, 25, 25, 60), strict=True
    ):
        nodes_sheet.column_dimensions[column].width = width
    for row in nodes_sheet.iter_rows(min_row=2):
        for cell in row:
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    nodes_sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
