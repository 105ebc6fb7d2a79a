"""A submission as an Excel template (one row per scored item) and back."""

import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils.exceptions import InvalidFileException

from appraisal.exceptions import ProblemsError
from appraisal.framework_files.spec import fmt_decimal
from appraisal.models import ScoreItem, Submission
from appraisal.models.choices import ScoringMethod, ScoringMode
from appraisal.problems import Problem
from appraisal.scoring import parse_entry

# The template is Vietnamese (sheet and column names, values); files of the earlier template,
# with code names, are still read.
META = "Hồ sơ"
ITEMS = "Tiêu chí"
OLD_SHEETS = {META: "ho_so", ITEMS: "tieu_chi"}
COLUMNS = [
    ("code", "Mã"),
    ("name", "Tiêu chí"),
    ("max_points", "Điểm tối đa"),
    ("mode", "Cách chấm"),
    ("method", "Phương pháp chấm"),
    ("levels", "Các mức điểm"),
    ("score", "Điểm tự chấm"),
    ("numerator", "Tử số hoặc số trường hợp"),
    ("denominator", "Mẫu số"),
    ("explanation", "Giải trình"),
]
META_ROWS = [
    ("framework", "Mã bộ chỉ số"),
    ("unit", "Mã đơn vị"),
    ("year", "Năm đánh giá"),
    ("unit_name", "Tên đơn vị"),
]
EDITABLE = {"score", "numerator", "denominator", "explanation"}
MAX_ROWS = 2000
# a header or a meta label, in either template, → its key
KEYS = {label.casefold(): key for pairs in (COLUMNS, META_ROWS) for key, label in pairs} | {
    key: key for pairs in (COLUMNS, META_ROWS) for key, _label in pairs
}
MODE_LABELS = {
    "self": "Đơn vị tự chấm",
    "survey": "Điều tra xã hội học",
    "central": "Cơ quan thường trực chấm",
}
METHOD_LABELS = {
    "choice": "Chọn mức điểm",
    "ratio": "Tỷ lệ",
    "number": "Số điểm",
    "deduction": "Điểm trừ (theo số trường hợp)",
}


def _levels(item: ScoreItem) -> str:
    params = item.node.method_params
    if item.node.scoring_method == ScoringMethod.CHOICE:
        return " | ".join(f"{o['points']} = {o['label']}" for o in params.get("options", []))
    if item.node.scoring_method == ScoringMethod.RATIO:
        return f"{params.get('numerator', '')} / {params.get('denominator', '')}"
    return f"bước {params.get('step', '')}" if params.get("step") else ""


def _number(value):
    """A number Excel adds up: whole when it is whole."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _validation(item: ScoreItem, column: str):
    """The drop-down or the range a score cell takes, with its message in Vietnamese."""
    from openpyxl.worksheet.datavalidation import DataValidation

    method = item.node.scoring_method
    if column == "score" and method == ScoringMethod.CHOICE:
        options = [
            fmt_decimal(Decimal(str(o["points"])))
            for o in item.node.method_params.get("options", [])
        ]
        rule = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        rule.error = "Chọn một mức điểm trong danh sách: " + ", ".join(options) + "."
    elif column == "score" and method == ScoringMethod.NUMBER:
        rule = DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2=fmt_decimal(item.max_points),
            allow_blank=True,
        )
        rule.error = f"Điểm từ 0 đến {fmt_decimal(item.max_points)}."
    elif column in ("numerator", "denominator") and (
        method == ScoringMethod.RATIO
        or (method == ScoringMethod.DEDUCTION and column == "numerator")
    ):
        rule = DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True
        )
        rule.error = "Nhập một số nguyên không âm."
    else:
        return None
    rule.errorTitle = "Giá trị không hợp lệ"
    rule.showErrorMessage = True
    return rule


def export_submission(submission: Submission) -> bytes:
    from openpyxl.comments import Comment

    workbook = Workbook()
    meta = workbook.active
    meta.title = META
    values = {
        "framework": submission.framework.code,
        "unit": submission.unit.code,
        "year": submission.campaign.year,
        "unit_name": submission.unit.name_vi,
    }
    for key, label in META_ROWS:
        meta.append([label, values[key]])
    meta.append([])
    meta.append(
        [
            "Hướng dẫn",
            "Chỉ nhập vào các ô nền vàng ở trang “Tiêu chí”; hướng dẫn chấm điểm của mỗi tiêu chí là ghi chú ở ô tên tiêu chí. Tiêu chí chọn mức điểm có danh sách thả xuống.",
        ]
    )
    meta.column_dimensions["A"].width = 18
    meta.column_dimensions["B"].width = 90
    for row in meta.iter_rows():
        row[0].font = Font(bold=True)
        for cell in row:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
    sheet = workbook.create_sheet(ITEMS)
    keys = [key for key, _label in COLUMNS]
    sheet.append([label for _key, label in COLUMNS])
    editable_fill = PatternFill("solid", fgColor="FFF2CC")
    header_fill = PatternFill("solid", fgColor="FFD966")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if keys[cell.column - 1] in EDITABLE:
            cell.fill = header_fill
    items = submission.items.select_related("node").order_by("position")
    rules: dict[str, object] = {}
    for index, item in enumerate(items, start=2):
        sheet.append(
            [
                item.node.code,
                item.node.name_vi,
                _number(item.max_points),
                MODE_LABELS.get(item.scoring_mode, item.scoring_mode),
                METHOD_LABELS.get(item.node.scoring_method, item.node.scoring_method),
                _levels(item),
                _number(item.self_score),
                item.ratio_numerator,
                item.ratio_denominator,
                item.explanation,
            ]
        )
        if item.node.guidance:
            note = Comment(item.node.guidance[:30000], "parcouncil")
            note.width, note.height = 420, 220
            sheet.cell(row=index, column=2).comment = note
        if item.scoring_mode == ScoringMode.SELF:
            for column in ("score", "numerator", "denominator"):
                rule = _validation(item, column)
                if rule is None:
                    continue
                # one rule per distinct list or range, over all the cells that take it
                key = f"{column}|{rule.type}|{rule.formula1}|{rule.formula2}"
                rule = rules.setdefault(key, rule)
                rule.add(sheet.cell(row=index, column=keys.index(column) + 1))
    for rule in rules.values():
        sheet.add_data_validation(rule)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            key = keys[cell.column - 1]
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text: no cell runs as a formula
            if key in ("max_points", "score"):
                cell.number_format = "0.00"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if key in EDITABLE:
                cell.fill = editable_fill
                cell.protection = Protection(locked=False)
    # only the yellow cells take typing: the rest is protected (no password: it guards against
    # slips, and the import reads only the yellow columns)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.autoFilter = False
    for letter, width in zip("ABCDEFGHIJ", (8, 50, 9, 14, 16, 40, 10, 12, 10, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "C2"
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_import(submission: Submission, data: bytes) -> list[tuple[ScoreItem, dict, str]]:
    """Every row's entry, checked. Raises ProblemsError naming each bad row."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ProblemsError(
            [
                Problem(
                    "", _("Tệp Excel không đọc được: %(error)s") % {"error": exc.__class__.__name__}
                )
            ]
        ) from exc
    try:
        names = {
            sheet: sheet if sheet in workbook.sheetnames else OLD_SHEETS[sheet]
            for sheet in (META, ITEMS)
        }
        if any(name not in workbook.sheetnames for name in names.values()):
            raise ProblemsError(
                [
                    Problem(
                        "",
                        _(
                            "Tệp không phải mẫu chấm điểm của hệ thống (thiếu trang “%(a)s” hoặc “%(b)s”)."
                        )
                        % {"a": META, "b": ITEMS},
                    )
                ]
            )
        meta = {
            KEYS.get(_text(row[0]).casefold(), _text(row[0])): _text(row[1])
            for row in workbook[names[META]].iter_rows(values_only=True)
            if row and len(row) > 1
        }
        if (
            meta.get("framework") != submission.framework.code
            or meta.get("unit") != submission.unit.code
        ):
            raise ProblemsError(
                [
                    Problem(
                        "",
                        _(
                            "Tệp thuộc bộ chỉ số “%(framework)s” của đơn vị “%(unit)s”, không phải hồ sơ này (%(expected)s, %(code)s)."
                        )
                        % {
                            "framework": meta.get("framework", "?"),
                            "unit": meta.get("unit", "?"),
                            "expected": submission.framework.code,
                            "code": submission.unit.code,
                        },
                    )
                ]
            )
        rows = workbook[names[ITEMS]].iter_rows(values_only=True)
        header = [KEYS.get(_text(value).casefold(), "") for value in next(rows, ())]
        labels = dict(COLUMNS)
        missing = [labels[name] for name in ("code", *sorted(EDITABLE)) if name not in header]
        if missing:
            raise ProblemsError(
                [
                    Problem("", _("Thiếu cột bắt buộc “%(col)s”.") % {"col": name})
                    for name in missing
                ]
            )
        items = {item.node.code: item for item in submission.items.select_related("node")}
        problems: list[Problem] = []
        entries: list[tuple[ScoreItem, dict, str]] = []
        seen: set[str] = set()
        for number, values in enumerate(rows, start=2):
            if number > MAX_ROWS:
                problems.append(
                    Problem(_("dòng %(line)s") % {"line": number}, _("Tệp có quá nhiều dòng."))
                )
                break
            row = {name: _text(value) for name, value in zip(header, values, strict=False) if name}
            if not any(row.get(name) for name in ("code", *EDITABLE)):
                continue
            where = _("dòng %(line)s") % {"line": number}
            code = row.get("code", "")
            item = items.get(code)
            if item is None:
                problems.append(
                    Problem(where, _("Hồ sơ không có tiêu chí “%(code)s”.") % {"code": code})
                )
                continue
            if code in seen:
                problems.append(
                    Problem(where, _("Tiêu chí “%(code)s” xuất hiện hai lần.") % {"code": code})
                )
                continue
            seen.add(code)
            entry = {key: row.get(key, "") for key in ("score", "numerator", "denominator")}
            explanation = row.get("explanation", "")
            if item.scoring_mode != ScoringMode.SELF:
                if any(entry.values()) and not _unchanged_score(item, entry):
                    problems.append(
                        Problem(
                            where, _("Tiêu chí %(code)s không do đơn vị tự chấm.") % {"code": code}
                        )
                    )
                continue
            refusal = _cell_refusal(item, entry)
            if refusal:
                problems.append(Problem(where, f"{code}: {refusal}"))
                continue
            try:
                as_entry = _as_entry(item, entry)
                if as_entry is not None:
                    parse_entry(
                        method=item.node.scoring_method,
                        params=item.node.method_params,
                        maximum=item.max_points,
                        data=as_entry,
                    )
            except ValidationError as exc:
                problems.append(Problem(where, f"{code}: {' '.join(exc.messages)}"))
                continue
            entries.append((item, entry, explanation))
    finally:
        workbook.close()
    if problems:
        raise ProblemsError(problems)
    return entries


def _same_number(typed: str, value) -> bool:
    if value is None:
        return typed == ""
    try:
        return Decimal(typed.replace(",", ".")) == value
    except (InvalidOperation, ValueError):
        return False


def _unchanged_score(item: ScoreItem, entry: dict) -> bool:
    """The score cell holds what the template was exported with."""
    return _same_number(entry.get("score", ""), item.self_score)


def _cell_refusal(item: ScoreItem, entry: dict) -> str:
    """Every cell a user can type in is used or refused: a ratio item is scored from its two
    counts (its score cell shows the result and may only stay as it is or agree with them);
    another item has no counts."""
    counts = entry.get("numerator", "") or entry.get("denominator", "")
    if item.node.scoring_method == ScoringMethod.DEDUCTION:
        # a deduction item counts cases (numerator); its score follows from them
        if entry.get("denominator", ""):
            return str(
                _(
                    "tiêu chí điểm trừ: nhập số trường hợp ở cột “Tử số hoặc số trường hợp”, để trống cột “Mẫu số”."
                )
            )
        if entry.get("numerator", "") and entry.get("score", ""):
            try:
                computed = parse_entry(
                    method=ScoringMethod.DEDUCTION,
                    params=item.node.method_params,
                    maximum=item.max_points,
                    data={"cases": entry["numerator"]},
                ).score
            except ValidationError:
                return ""  # the count's own message is given by the caller
            if not _same_number(entry["score"], computed):
                return str(
                    _("điểm %(typed)s không khớp số trường hợp đã nhập (tính được %(computed)s).")
                    % {"typed": entry["score"], "computed": fmt_decimal(computed)}
                )
        return ""
    if item.node.scoring_method != ScoringMethod.RATIO:
        if counts:
            return str(
                _(
                    "tiêu chí không tính theo tỷ lệ: để trống cột “Tử số hoặc số trường hợp” và cột “Mẫu số”."
                )
            )
        return ""
    if not entry.get("score", ""):
        return ""
    if not counts:
        if _unchanged_score(item, entry):
            return ""
        return str(_("tiêu chí tính theo tỷ lệ: nhập tử số và mẫu số, điểm được tính từ đó."))
    try:
        computed = parse_entry(
            method=ScoringMethod.RATIO,
            params=item.node.method_params,
            maximum=item.max_points,
            data=entry,
        ).score
    except ValidationError:
        return ""  # the counts' own message is given by the caller
    if not _same_number(entry["score"], computed):
        return str(
            _("điểm %(typed)s không khớp tỷ lệ đã nhập (tính được %(computed)s).")
            % {"typed": entry["score"], "computed": fmt_decimal(computed)}
        )
    return ""


def _as_entry(item: ScoreItem, entry: dict) -> dict | None:
    """What the row asks of the item's scoring service: None keeps the score as it is (a
    ratio item exported with a score but without counts, its score cell untouched)."""
    if (
        item.node.scoring_method == ScoringMethod.RATIO
        and not entry.get("numerator", "")
        and not entry.get("denominator", "")
        and entry.get("score", "")
    ):
        return None
    if item.node.scoring_method == ScoringMethod.DEDUCTION and entry.get("numerator", ""):
        return {"cases": entry["numerator"]}
    return entry


@dataclass
class Change:
    item: ScoreItem
    kind: str  # set, changed, cleared, explanation
    old: Decimal | None
    new: Decimal | None
    explanation_changed: bool
    entry: dict | None
    explanation: str


def import_changes(submission: Submission, data: bytes) -> list[Change]:
    """What the file would change, item by item (an unchanged row is not listed)."""
    changes = []
    for item, entry, explanation in read_import(submission, data):
        as_entry = _as_entry(item, entry)
        new = item.self_score
        if as_entry is not None:
            parsed = parse_entry(
                method=item.node.scoring_method,
                params=item.node.method_params,
                maximum=item.max_points,
                data=as_entry,
            )
            new = parsed.score
            counts_changed = (parsed.numerator, parsed.denominator) != (
                item.ratio_numerator,
                item.ratio_denominator,
            ) and parsed.score is not None
        else:
            counts_changed = False
        explained = explanation.strip() != item.explanation
        if new == item.self_score and not explained and not counts_changed:
            continue
        if new == item.self_score:
            kind = "explanation" if explained else "changed"
        elif item.self_score is None:
            kind = "set"
        elif new is None:
            kind = "cleared"
        else:
            kind = "changed"
        changes.append(
            Change(item, kind, item.self_score, new, explained, as_entry, explanation.strip())
        )
    return changes


@transaction.atomic
def import_submission(*, submission: Submission, data: bytes, actor, ip: str | None = None) -> int:
    """Apply a filled template: all rows or none, only the rows that change something.
    Returns how many items changed."""
    from workflow.services.scores import score_set_self

    changed = 0
    for change in import_changes(submission, data):
        before = change.item.version
        # no entry: the score stays as it is and only the explanation changes
        score = (
            {"entry": change.entry}
            if change.entry is not None
            else {"value": change.item.self_score}
        )
        updated = score_set_self(
            item=change.item, actor=actor, explanation=change.explanation, ip=ip, **score
        )
        changed += updated.version != before
    return changed
