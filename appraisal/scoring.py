"""From what a focal point enters to a score, by the item's scoring method (DOMAIN.md §2)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from appraisal.imports.frameworks.spec import fmt_decimal
from appraisal.models.choices import ScoringMethod

CENT = Decimal("0.01")


@dataclass
class Entered:
    score: Decimal | None
    numerator: int | None = None
    denominator: int | None = None


class PairIncomplete(ValidationError):
    """One of a pair of counts is typed, the other not yet: nothing to judge or save yet."""


def shown(value: Decimal) -> str:
    """A number as the interface writes it: decimal comma (0,25; -1)."""
    return fmt_decimal(value).replace(".", ",")


def deduction_for(cases: int, step: Decimal, maximum: Decimal) -> Decimal:
    """A deduction item's score from the number of cases its guidance counts: `step` points
    off per case, at most `maximum` off."""
    return -min(Decimal(cases) * step, maximum) + Decimal(0)


def _decimal(raw: str, label: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(_("%(label)s phải là một số.") % {"label": label}) from exc
    if not value.is_finite():
        raise ValidationError(_("%(label)s phải là một số.") % {"label": label})
    return value


def _count(raw: str, label: str) -> int:
    text = str(raw).strip()
    if not text.isdigit() or len(text) > 9:
        raise ValidationError(_("%(label)s phải là số nguyên không âm.") % {"label": label})
    return int(text)


def ratio_score(params: dict, maximum: Decimal, numerator: int, denominator: int) -> Decimal:
    ratio = Decimal(numerator) / Decimal(denominator)
    if params.get("linear"):
        return (maximum * ratio).quantize(CENT, rounding=ROUND_HALF_UP)
    for band in params.get("bands", []):
        if ratio >= Decimal(band["min_ratio"]):
            return Decimal(band["points"])
    return Decimal(0)


def parse_entry(*, method: str, params: dict, maximum: Decimal, data: dict) -> Entered:
    """The score an entry gives, or a ValidationError saying what is wrong with it.
    An empty entry clears the score."""
    if method == ScoringMethod.RATIO:
        raw_n, raw_d = data.get("numerator", ""), data.get("denominator", "")
        if str(raw_n).strip() == "" and str(raw_d).strip() == "":
            return Entered(None)
        if str(raw_n).strip() == "" or str(raw_d).strip() == "":
            raise PairIncomplete(
                _("Nhập cả %(a)s và %(b)s để tính điểm.")
                % {
                    "a": params.get("numerator") or _("tử số"),
                    "b": params.get("denominator") or _("mẫu số"),
                }
            )
        numerator = _count(raw_n, params.get("numerator") or _("Tử số"))
        denominator = _count(raw_d, params.get("denominator") or _("Mẫu số"))
        if denominator == 0:
            raise ValidationError(_("Mẫu số bằng 0: không tính được tỷ lệ."))
        if numerator > denominator:
            raise ValidationError(_("Tử số không được lớn hơn mẫu số."))
        return Entered(ratio_score(params, maximum, numerator, denominator), numerator, denominator)
    step = Decimal(params.get("step", "0.25"))
    if method == ScoringMethod.DEDUCTION and str(data.get("cases", "")).strip() != "":
        # what the guidance counts ("trừ 0,25 điểm cho mỗi trường hợp"): the cases
        cases = _count(data["cases"], _("Số trường hợp"))
        return Entered(deduction_for(cases, step, maximum), cases, None)
    raw = data.get("score", "")
    if str(raw).strip() == "":
        return Entered(None)
    value = _decimal(raw, _("Điểm"))
    if method == ScoringMethod.CHOICE:
        allowed = [Decimal(option["points"]) for option in params.get("options", [])]
        if value not in allowed:
            raise ValidationError(
                _("Chọn một trong các mức: %(levels)s.")
                % {"levels": "; ".join(shown(v) for v in allowed)}
            )
        return Entered(value)
    low, high = (
        (-maximum, Decimal(0)) if method == ScoringMethod.DEDUCTION else (Decimal(0), maximum)
    )
    if not low <= value <= high:
        raise ValidationError(
            _("Điểm phải trong khoảng %(low)s đến %(high)s.")
            % {"low": shown(low), "high": shown(high)}
        )
    if value % step != 0:
        raise ValidationError(_("Điểm phải theo bước %(step)s.") % {"step": shown(step)})
    return Entered(value)
