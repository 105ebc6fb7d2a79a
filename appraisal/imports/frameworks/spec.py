"""The neutral form of a framework file and the rules every framework must obey."""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from appraisal.models.choices import Level, NodeKind, ScoringMethod
from appraisal.problems import Problem

CODE_RE = re.compile(r"^[1-9][0-9]*(\.[1-9][0-9]*){0,2}$")
FRAMEWORK_CODE_RE = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")
KIND_BY_DEPTH = {1: NodeKind.DOMAIN, 2: NodeKind.CRITERION, 3: NodeKind.SUB_CRITERION}
MAX_POINTS_ALLOWED = Decimal(1000)
DEFAULT_STEP = Decimal("0.25")

FRAMEWORK_FIELDS = (
    "code",
    "program",
    "level",
    "version",
    "name_vi",
    "name_en",
    "legal_basis",
    "notice",
    "total_points",
    "survey_points",
    "appraised_points",
)
REQUIRED_FRAMEWORK_FIELDS = (
    "code",
    "program",
    "level",
    "version",
    "name_vi",
    "legal_basis",
    "total_points",
    "survey_points",
    "appraised_points",
)


@dataclass
class NodeSpec:
    code: str
    name_vi: str
    max_points: Decimal
    where: str = ""
    name_en: str = ""
    mode: str = ""
    method: str = ""
    params: dict = field(default_factory=dict)
    guidance: str = ""
    owner: str = ""
    parent_code: str = ""
    children: list["NodeSpec"] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return self.code.count(".") + 1

    @property
    def kind(self) -> str:
        return KIND_BY_DEPTH[self.depth]

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def counted_points(self) -> Decimal:
        return Decimal(0) if self.method == ScoringMethod.DEDUCTION else self.max_points


@dataclass
class FrameworkSpec:
    code: str
    program: str
    level: str
    version: str
    name_vi: str
    legal_basis: str
    total_points: Decimal
    survey_points: Decimal
    appraised_points: Decimal
    name_en: str = ""
    notice: str = ""
    nodes: list[NodeSpec] = field(default_factory=list)  # depth-first, in order

    @property
    def domains(self) -> list[NodeSpec]:
        return [node for node in self.nodes if node.depth == 1]


def fmt_decimal(value: Decimal) -> str:
    """The canonical text of a number: no exponent, no trailing zeros ('0.5', '10')."""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


def parse_decimal(value: Any, where: str, label: str, problems: list[Problem]) -> Decimal | None:
    """A points value: a number with at most two decimals. Comma decimals are accepted."""
    if isinstance(value, bool) or value is None or value == "":
        problems.append(Problem(where, _("%(label)s: cần một số.") % {"label": label}))
        return None
    # str() of a float from YAML or Excel is its shortest form (0.1, not 0.1000000000000000055).
    text = str(value).strip().replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        problems.append(
            Problem(
                where,
                _("%(label)s: “%(value)s” không phải là số.") % {"label": label, "value": value},
            )
        )
        return None
    if not number.is_finite() or abs(number) > MAX_POINTS_ALLOWED:
        problems.append(
            Problem(
                where,
                _("%(label)s: “%(value)s” nằm ngoài giới hạn.") % {"label": label, "value": value},
            )
        )
        return None
    if number != number.quantize(Decimal("0.01")):
        problems.append(
            Problem(
                where,
                _("%(label)s: “%(value)s” có quá hai chữ số thập phân.")
                % {"label": label, "value": value},
            )
        )
        return None
    return number + Decimal(0)  # normalise −0 to 0


def as_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def build_framework_spec(raw: dict, where: str, problems: list[Problem]) -> FrameworkSpec | None:
    """Metadata of the framework, from a dict of raw values."""
    for key in REQUIRED_FRAMEWORK_FIELDS:
        if as_text(raw.get(key)) == "":
            problems.append(
                Problem(where, _("Thiếu thông tin bắt buộc “%(field)s”.") % {"field": key})
            )
    code = as_text(raw.get("code"))
    if code and not FRAMEWORK_CODE_RE.match(code):
        problems.append(
            Problem(
                where,
                _("Mã bộ chỉ số “%(code)s” chỉ được gồm chữ, số, “-” và “_”.") % {"code": code},
            )
        )
    level = as_text(raw.get("level"))
    if level and level not in Level.values:
        problems.append(
            Problem(
                where,
                _("Cấp “%(level)s” không hợp lệ; dùng một trong: %(choices)s.")
                % {"level": level, "choices": ", ".join(Level.values)},
            )
        )
    points: dict[str, Decimal | None] = {}
    for key in ("total_points", "survey_points", "appraised_points"):
        if as_text(raw.get(key)) != "":
            points[key] = parse_decimal(raw.get(key), where, key, problems)
    total, survey, appraised = (
        points.get(key) for key in ("total_points", "survey_points", "appraised_points")
    )
    if problems or total is None or survey is None or appraised is None:
        return None
    return FrameworkSpec(
        code=code,
        program=as_text(raw.get("program")),
        level=level,
        version=as_text(raw.get("version")),
        name_vi=as_text(raw.get("name_vi")),
        name_en=as_text(raw.get("name_en")),
        legal_basis=as_text(raw.get("legal_basis")),
        notice=as_text(raw.get("notice")),
        total_points=total,
        survey_points=survey,
        appraised_points=appraised,
    )
