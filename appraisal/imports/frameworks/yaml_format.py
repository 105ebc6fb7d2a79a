"""YAML framework files: metadata under `framework:`, the tree under `nodes:` (nested)."""

from decimal import Decimal
from typing import Any

import yaml
from django.utils.translation import gettext_lazy as _

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
from appraisal.problems import decode_utf8

NODE_FIELDS = (
    "code",
    "name_vi",
    "name_en",
    "max_points",
    "owner",
    "mode",
    "method",
    "params",
    "guidance",
    "children",
)
LINE = "__line__"


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping and refuses duplicate keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _where(mapping: dict) -> str:
    return str(_("dòng %(line)s") % {"line": mapping.get(LINE, "?")})


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != LINE}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _unknown_keys(mapping: dict, allowed: tuple[str, ...], problems: list[Problem]) -> None:
    for key in mapping:
        if key != LINE and key not in allowed:
            problems.append(
                Problem(_where(mapping), _("Trường không được hỗ trợ “%(key)s”.") % {"key": key})
            )


def _read_nodes(
    items: Any, parent: NodeSpec | None, out: list[NodeSpec], problems: list[Problem]
) -> None:
    if not isinstance(items, list):
        where = parent.where if parent else ""
        problems.append(Problem(where, _("“nodes” và “children” phải là một danh sách.")))
        return
    for raw in items:
        if not isinstance(raw, dict):
            problems.append(
                Problem("", _("Mỗi nội dung của bộ chỉ số phải là một bảng khóa: giá trị."))
            )
            continue
        where = _where(raw)
        _unknown_keys(raw, NODE_FIELDS, problems)
        max_points = parse_decimal(raw.get("max_points"), where, "max_points", problems)
        params = raw.get("params") or {}
        if not isinstance(params, dict):
            problems.append(Problem(where, _("“params” phải là một bảng khóa: giá trị.")))
            params = {}
        node = NodeSpec(
            code=str(raw.get("code", "")).strip(),
            name_vi=str(raw.get("name_vi") or "").strip(),
            name_en=str(raw.get("name_en") or "").strip(),
            max_points=max_points if max_points is not None else Decimal(0),
            where=where,
            mode=str(raw.get("mode") or "").strip(),
            method=str(raw.get("method") or "").strip(),
            params=_strip_lines(params),
            guidance=str(raw.get("guidance") or "").strip(),
            owner=str(raw.get("owner") or "").strip(),
            parent_code=parent.code if parent else "",
        )
        out.append(node)
        if "children" in raw:
            _read_nodes(raw["children"], node, out, problems)


def read_yaml(data: bytes) -> tuple[FrameworkSpec | None, list[Problem]]:
    text, problems = decode_utf8(data)
    if text is None:
        return None, problems
    try:
        document = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = str(_("dòng %(line)s") % {"line": mark.line + 1}) if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(where, _("Tệp YAML không đọc được: %(error)s") % {"error": problem})]
    if not isinstance(document, dict) or not isinstance(document.get("framework"), dict):
        return None, [Problem("", _("Tệp cần có phần “framework:” và phần “nodes:”."))]
    _unknown_keys(document, ("framework", "nodes"), problems)
    meta = document["framework"]
    _unknown_keys(meta, FRAMEWORK_FIELDS, problems)
    spec = build_framework_spec(meta, _where(meta), problems)
    nodes: list[NodeSpec] = []
    _read_nodes(document.get("nodes", []), None, nodes, problems)
    if spec is None:
        return None, problems
    spec.nodes = nodes
    if not problems:
        validate_tree(spec, problems)
    return (None if problems else spec), problems


def _node_dict(node: NodeSpec) -> dict:
    out: dict[str, Any] = {"code": node.code, "name_vi": node.name_vi}
    if node.name_en:
        out["name_en"] = node.name_en
    out["max_points"] = fmt_decimal(node.max_points)
    if node.owner:
        out["owner"] = node.owner
    if node.mode:
        out["mode"] = node.mode
    if node.method:
        out["method"] = node.method
    if node.params:
        out["params"] = node.params
    if node.guidance:
        out["guidance"] = node.guidance
    if node.children:
        out["children"] = [_node_dict(child) for child in node.children]
    return out


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def write_yaml(spec: FrameworkSpec) -> bytes:
    meta = {
        "code": spec.code,
        "program": spec.program,
        "level": spec.level,
        "version": spec.version,
        "name_vi": spec.name_vi,
        "name_en": spec.name_en,
        "legal_basis": spec.legal_basis,
        "notice": spec.notice,
        "total_points": fmt_decimal(spec.total_points),
        "survey_points": fmt_decimal(spec.survey_points),
        "appraised_points": fmt_decimal(spec.appraised_points),
    }
    body = yaml.dump(
        {"framework": meta, "nodes": [_node_dict(node) for node in spec.domains]},
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        indent=2,
    )
    header = f"# {spec.name_vi}\n"
    if spec.notice:
        header += "".join(f"# {line}\n" for line in spec.notice.splitlines())
    return (header + body).encode("utf-8")
