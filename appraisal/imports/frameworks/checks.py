"""Whether a framework holds together: its tree (codes, levels, points that add up) and each
scoring method's parameters, which are also written out in one canonical order."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from appraisal.imports.frameworks.spec import (
    CODE_RE,
    DEFAULT_STEP,
    FrameworkSpec,
    NodeSpec,
    as_text,
    fmt_decimal,
    parse_decimal,
)
from appraisal.models.choices import ScoringMethod, ScoringMode
from appraisal.problems import Problem


def validate_params(node: NodeSpec, problems: list[Problem]) -> None:
    """Check a scored node's method and parameters and put them in canonical form."""
    where, maximum = node.where, node.max_points
    if node.mode == ScoringMode.SURVEY:
        if node.method or node.params:
            problems.append(
                Problem(where, _("Tiêu chí điều tra xã hội học không có phương pháp chấm."))
            )
        return
    if node.mode == ScoringMode.CENTRAL and not node.method:
        node.method = ScoringMethod.NUMBER
    if node.method not in ScoringMethod.values:
        problems.append(
            Problem(
                where,
                _("Phương pháp chấm “%(method)s” không hợp lệ; dùng một trong: %(choices)s.")
                % {"method": node.method, "choices": ", ".join(ScoringMethod.values)},
            )
        )
        return
    params = node.params or {}
    allowed_by_method: dict[str, set[str]] = {
        ScoringMethod.CHOICE: {"options"},
        ScoringMethod.RATIO: {"numerator", "denominator", "bands", "linear"},
        ScoringMethod.NUMBER: {"step"},
        ScoringMethod.DEDUCTION: {"step"},
    }
    allowed = allowed_by_method[node.method]
    for key in sorted(set(params) - allowed):
        problems.append(
            Problem(where, _("Tham số “%(key)s” không dùng cho phương pháp này.") % {"key": key})
        )
    if node.method == ScoringMethod.CHOICE:
        node.params = _validate_choice(params, maximum, where, problems)
    elif node.method == ScoringMethod.RATIO:
        node.params = _validate_ratio(params, maximum, where, problems)
    else:
        node.params = _validate_step(params, maximum, where, problems)


def _validate_choice(params: dict, maximum: Decimal, where: str, problems: list[Problem]) -> dict:
    options = params.get("options")
    if not isinstance(options, list) or len(options) < 2:
        problems.append(Problem(where, _("Phương pháp chọn mức điểm cần ít nhất hai mức.")))
        return params
    clean, seen = [], set()
    for option in options:
        if not isinstance(option, dict):
            problems.append(Problem(where, _("Mỗi mức điểm cần có “points” và “label”.")))
            continue
        points = parse_decimal(option.get("points"), where, "points", problems)
        label = as_text(option.get("label"))
        if not label:
            problems.append(Problem(where, _("Mỗi mức điểm cần có mô tả (label).")))
        if points is None:
            continue
        if points < 0 or points > maximum:
            problems.append(
                Problem(
                    where,
                    _("Mức điểm %(points)s nằm ngoài khoảng 0 đến %(max)s.")
                    % {"points": fmt_decimal(points), "max": fmt_decimal(maximum)},
                )
            )
        if points in seen:
            problems.append(
                Problem(where, _("Mức điểm %(points)s bị lặp.") % {"points": fmt_decimal(points)})
            )
        seen.add(points)
        clean.append({"points": fmt_decimal(points), "label": label})
    if seen and max(seen) != maximum:
        problems.append(
            Problem(
                where,
                _("Mức điểm cao nhất phải bằng điểm tối đa %(max)s.")
                % {"max": fmt_decimal(maximum)},
            )
        )
    return {"options": clean}


def _validate_ratio(params: dict, maximum: Decimal, where: str, problems: list[Problem]) -> dict:
    numerator, denominator = as_text(params.get("numerator")), as_text(params.get("denominator"))
    if not numerator or not denominator:
        problems.append(Problem(where, _("Phương pháp tỷ lệ cần mô tả tử số và mẫu số.")))
    clean: dict = {"numerator": numerator, "denominator": denominator}
    bands, linear = params.get("bands"), params.get("linear")
    if linear in (True, "true", "yes") and not bands:
        clean["linear"] = True
        return clean
    if not isinstance(bands, list) or len(bands) < 2:
        problems.append(
            Problem(
                where, _("Phương pháp tỷ lệ cần “linear” hoặc ít nhất hai khoảng tỷ lệ (bands).")
            )
        )
        return clean
    clean_bands: list[dict] = []
    previous: tuple[Decimal, Decimal] | None = None
    for band in bands:
        if not isinstance(band, dict):
            problems.append(Problem(where, _("Mỗi khoảng tỷ lệ cần có “min_ratio” và “points”.")))
            return clean
        ratio = parse_decimal(band.get("min_ratio"), where, "min_ratio", problems)
        points = parse_decimal(band.get("points"), where, "points", problems)
        if ratio is None or points is None:
            return clean
        if not (0 <= ratio <= 1) or not (0 <= points <= maximum):
            problems.append(
                Problem(
                    where,
                    _(
                        "Khoảng tỷ lệ %(ratio)s → %(points)s: tỷ lệ phải trong [0; 1], điểm trong [0; %(max)s]."
                    )
                    % {
                        "ratio": fmt_decimal(ratio),
                        "points": fmt_decimal(points),
                        "max": fmt_decimal(maximum),
                    },
                )
            )
        if previous and (ratio >= previous[0] or points > previous[1]):
            problems.append(
                Problem(
                    where, _("Các khoảng tỷ lệ phải xếp từ cao xuống thấp, điểm không tăng dần.")
                )
            )
        previous = (ratio, points)
        clean_bands.append({"min_ratio": fmt_decimal(ratio), "points": fmt_decimal(points)})
    if Decimal(clean_bands[0]["points"]) != maximum:
        problems.append(
            Problem(
                where,
                _("Khoảng tỷ lệ cao nhất phải cho điểm tối đa %(max)s.")
                % {"max": fmt_decimal(maximum)},
            )
        )
    if Decimal(clean_bands[-1]["min_ratio"]) != 0:
        problems.append(Problem(where, _("Khoảng tỷ lệ cuối cùng phải bắt đầu từ 0.")))
    clean["bands"] = clean_bands
    return clean


def _validate_step(params: dict, maximum: Decimal, where: str, problems: list[Problem]) -> dict:
    raw = params.get("step")
    step = DEFAULT_STEP if raw in (None, "") else parse_decimal(raw, where, "step", problems)
    if step is None:
        return params
    if step <= 0 or maximum % step != 0:
        problems.append(
            Problem(
                where,
                _("Bước điểm %(step)s phải lớn hơn 0 và chia hết điểm tối đa %(max)s.")
                % {"step": fmt_decimal(step), "max": fmt_decimal(maximum)},
            )
        )
    return {"step": fmt_decimal(step)}


PARAM_ORDER = ("numerator", "denominator", "linear", "bands", "options", "step")


ITEM_ORDER = ("min_ratio", "points", "label")


def canonical_params(params: dict) -> dict:
    """Parameters in one fixed key order, whatever order the store returns them in.

    PostgreSQL's jsonb sorts object keys its own way; files must not depend on it.
    """

    def ordered(mapping: dict, order: tuple[str, ...]) -> dict:
        return {key: mapping[key] for key in order if key in mapping}

    out = ordered(params, PARAM_ORDER)
    for key in ("bands", "options"):
        if key in out:
            out[key] = [ordered(item, ITEM_ORDER) for item in out[key]]
    return out


def validate_tree(spec: FrameworkSpec, problems: list[Problem]) -> None:
    """Every rule that spans nodes: codes, parents, leaves, sums, survey and appraised totals."""
    by_code: dict[str, NodeSpec] = {}
    for node in spec.nodes:
        if not CODE_RE.match(node.code):
            problems.append(
                Problem(
                    node.where,
                    _("Mã “%(code)s” không hợp lệ: dùng dạng 1, 1.2 hoặc 1.2.3.")
                    % {"code": node.code},
                )
            )
            continue
        if node.code in by_code:
            problems.append(
                Problem(
                    node.where,
                    _("Mã “%(code)s” bị trùng (đã có ở %(other)s).")
                    % {"code": node.code, "other": by_code[node.code].where},
                )
            )
            continue
        by_code[node.code] = node
    for node in by_code.values():
        node.children = []
    for node in by_code.values():
        if node.depth == 1:
            continue
        expected_parent = node.code.rsplit(".", 1)[0]
        if node.parent_code and node.parent_code != expected_parent:
            problems.append(
                Problem(
                    node.where,
                    _("Mã “%(code)s” không thuộc nội dung cha “%(parent)s”.")
                    % {"code": node.code, "parent": node.parent_code},
                )
            )
        parent = by_code.get(expected_parent)
        if parent is None:
            problems.append(
                Problem(
                    node.where,
                    _("Mã “%(code)s” không có nội dung cha “%(parent)s”.")
                    % {"code": node.code, "parent": expected_parent},
                )
            )
            continue
        parent.children.append(node)

    for node in by_code.values():
        if not node.name_vi:
            problems.append(
                Problem(node.where, _("Thiếu tên tiếng Việt của “%(code)s”.") % {"code": node.code})
            )
        if node.max_points is not None and node.max_points < 0:
            problems.append(Problem(node.where, _("Điểm tối đa không được âm.")))
        if node.owner and node.depth != 1:
            problems.append(
                Problem(node.where, _("Chỉ lĩnh vực mới có cơ quan thẩm định (owner)."))
            )
        if node.is_leaf:
            if node.depth == 1:
                problems.append(
                    Problem(
                        node.where,
                        _("Lĩnh vực “%(code)s” chưa có tiêu chí nào.") % {"code": node.code},
                    )
                )
                continue
            if node.mode not in ScoringMode.values:
                problems.append(
                    Problem(
                        node.where,
                        _("Cách chấm “%(mode)s” không hợp lệ; dùng một trong: %(choices)s.")
                        % {"mode": node.mode, "choices": ", ".join(ScoringMode.values)},
                    )
                )
                continue
            if node.max_points is not None and node.max_points <= 0:
                problems.append(
                    Problem(node.where, _("Tiêu chí được chấm điểm phải có điểm tối đa lớn hơn 0."))
                )
                continue
            validate_params(node, problems)
        else:
            if node.mode or node.method or node.params:
                problems.append(
                    Problem(
                        node.where,
                        _(
                            "“%(code)s” có tiêu chí con nên không tự chấm điểm: bỏ cách chấm, phương pháp chấm."
                        )
                        % {"code": node.code},
                    )
                )
            children_sum = sum((child.counted_points for child in node.children), Decimal(0))
            if node.max_points is not None and children_sum != node.max_points:
                problems.append(
                    Problem(
                        node.where,
                        _(
                            "Tổng điểm các nội dung con của “%(code)s” là %(sum)s, khác điểm tối đa %(max)s."
                        )
                        % {
                            "code": node.code,
                            "sum": fmt_decimal(children_sum),
                            "max": fmt_decimal(node.max_points),
                        },
                    )
                )

    leaves = [node for node in by_code.values() if node.is_leaf and node.depth > 1]
    domain_sum = sum(
        (node.counted_points for node in by_code.values() if node.depth == 1), Decimal(0)
    )
    survey = sum((n.counted_points for n in leaves if n.mode == ScoringMode.SURVEY), Decimal(0))
    appraised = sum((n.counted_points for n in leaves if n.mode != ScoringMode.SURVEY), Decimal(0))
    totals = [
        ("total_points", domain_sum, spec.total_points),
        ("survey_points", survey, spec.survey_points),
        ("appraised_points", appraised, spec.appraised_points),
    ]
    for label, found, declared in totals:
        if found != declared:
            problems.append(
                Problem(
                    "",
                    _(
                        "%(field)s khai báo là %(declared)s nhưng các tiêu chí cộng lại được %(found)s."
                    )
                    % {
                        "field": label,
                        "declared": fmt_decimal(declared),
                        "found": fmt_decimal(found),
                    },
                )
            )
    if spec.survey_points + spec.appraised_points != spec.total_points:
        problems.append(
            Problem(
                "",
                _(
                    "Điểm điều tra xã hội học (%(survey)s) + điểm thẩm định (%(appraised)s) khác tổng điểm (%(total)s)."
                )
                % {
                    "survey": fmt_decimal(spec.survey_points),
                    "appraised": fmt_decimal(spec.appraised_points),
                    "total": fmt_decimal(spec.total_points),
                },
            )
        )
    if not spec.nodes:
        problems.append(Problem("", _("Bộ chỉ số chưa có lĩnh vực nào.")))
