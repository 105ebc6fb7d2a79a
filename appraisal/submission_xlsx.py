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

META = "ho_so"
ITEMS = "tieu_chi"
COLUMNS = [
    "code",
    "name",
    "max_points",
    "mode",
    "method",
    "levels",
    "guidance",
    "score",
    "numerator",
    "denominator",
    "explanation",
]
EDITABLE = {"score", "numerator", "denominator", "explanation"}
MAX_ROWS = 2000


def _levels(item: ScoreItem) -> str:
    params = item.node.method_params
    if item.node.scoring_method == ScoringMethod.CHOICE:
        return " | ".join(f"{o['points']} = {o['label']}" for o in params.get("options", []))
    if item.node.scoring_method == ScoringMethod.RATIO:
        return f"{params.get('numerator', '')} / {params.get('denominator', '')}"
    return f"step {params.get('step', '')}" if params.get("step") else ""


def export_submission(submission: Submission) -> bytes:
    workbook = Workbook()
    meta = workbook.active
    meta.title = META
    for key, value in (
        ("framework", submission.framework.code),
        ("unit", submission.unit.code),
        ("year", str(submission.campaign.year)),
        ("unit_name", submission.unit.name_vi),
    ):
        meta.append([key, value])
    sheet = workbook.create_sheet(ITEMS)
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    items = submission.items.select_related("node").order_by("position")
    for item in items:
        sheet.append(
            [
                item.node.code,
                item.node.name_vi,
                fmt_decimal(item.max_points),
                item.scoring_mode,
                item.node.scoring_method,
                _levels(item),
                item.node.guidance,
                "" if item.self_score is None else fmt_decimal(item.self_score),
                "" if item.ratio_numerator is None else str(item.ratio_numerator),
                "" if item.ratio_denominator is None else str(item.ratio_denominator),
                item.explanation,
            ]
        )
    editable_fill = PatternFill("solid", fgColor="FFF2CC")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.data_type = "s"  # text throughout: exact points, and no cell runs as a formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if COLUMNS[cell.column - 1] in EDITABLE:
                cell.fill = editable_fill
                cell.protection = Protection(locked=False)
    # only the yellow cells take typing: the rest is protected (no password: it guards against
    # slips, and the import reads only the yellow columns)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.autoFilter = False
    for letter, width in zip("ABCDEFGHIJK", (8, 50, 8, 8, 9, 40, 40, 8, 10, 10, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "C2"
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
        if META not in workbook.sheetnames or ITEMS not in workbook.sheetnames:
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
            _text(row[0]): _text(row[1])
            for row in workbook[META].iter_rows(values_only=True)
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
        rows = workbook[ITEMS].iter_rows(values_only=True)
        header = [_text(value) for value in next(rows, ())]
        missing = [name for name in ("code", *EDITABLE) if name not in header]
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
                _("tiêu chí điểm trừ: nhập số trường hợp ở cột numerator, để trống denominator.")
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
            return str(_("tiêu chí không tính theo tỷ lệ: để trống cột numerator và denominator."))
        return ""
    if not entry.get("score", ""):
        return ""
    if not counts:
        if _unchanged_score(item, entry):
            return ""
        return str(
            _(
                "tiêu chí tính theo tỷ lệ: nhập tử số (numerator) và mẫu số (denominator), điểm được tính từ đó."
            )
        )
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
