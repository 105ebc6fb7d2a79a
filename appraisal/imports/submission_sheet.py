"""The spreadsheet a unit fills in offline: its sheets, columns and checks, made from the
report's items (submission_xlsx.py reads it back)."""

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from appraisal.imports.frameworks.spec import fmt_decimal
from appraisal.models import ScoreItem, Submission
from appraisal.models.choices import ScoringMethod, ScoringMode

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
    rules: dict[str, DataValidation] = {}
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
