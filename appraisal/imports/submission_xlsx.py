"""A submission as an Excel template (one row per scored item) and back."""

import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from appraisal.imports.frameworks.spec import fmt_decimal
from appraisal.imports.submission_sheet import (
    COLUMNS,
    EDITABLE,
    ITEMS,
    KEYS,
    MAX_ROWS,
    META,
    OLD_SHEETS,
)
from appraisal.models import ScoreItem, Submission
from appraisal.models.choices import ScoringMethod, ScoringMode
from appraisal.problems import Problem, ProblemsError, problem_text
from appraisal.scoring import parse_entry


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
                problems.append(Problem(where, f"{code}: {problem_text(exc)}"))
                continue
            entries.append((item, entry, explanation))
    finally:
        workbook.close()
    if problems:
        raise ProblemsError(problems)
    return entries


def _shown(value: Decimal | None) -> str:
    return fmt_decimal(value) if value is not None else "—"


def _same_number(typed: str, value: Decimal | None) -> bool:
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
                    % {"typed": entry["score"], "computed": _shown(computed)}
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
            % {"typed": entry["score"], "computed": _shown(computed)}
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
