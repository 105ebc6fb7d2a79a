"""The layout's rules (README, "Architecture"), read off the source itself: which way imports
go between the apps, no import circles, no import inside a function without its reason, and
no module a newcomer cannot read at a sitting."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("appraisal", "workflow", "documents", "notifications", "config")
LONGEST = 420  # lines; data files and migrations are not code to read
# appraisal's pages, commands and demo data hand their writes to workflow (README)
PAGES = ("appraisal.views", "appraisal.management", "appraisal.demo")
PAGES_TOO = {"appraisal.urls", "appraisal.middleware"}


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _type_only(tree: ast.Module) -> set[int]:
    """The nodes under `if TYPE_CHECKING:` (read by the type checker, never imported)."""
    return {
        id(node)
        for branch in ast.walk(tree)
        if isinstance(branch, ast.If) and "TYPE_CHECKING" in ast.unparse(branch.test)
        for node in ast.walk(branch)
    }


def _imports(path: Path) -> list[tuple[ast.stmt, list[str], bool]]:
    """Each import of our own modules: the statement, what it imports, whether it runs when
    the module is loaded (not inside a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_only(tree)
    inside = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [_resolve(f"{node.module}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [_resolve(alias.name) for alias in node.names]
        else:
            continue
        found.append((node, [name for name in names if name], id(node) not in inside))
    return found


def test_there_is_no_import_circle():
    graph = {
        name: {target for _node, targets, _top in _imports(path) for target in targets} - {name}
        for name, path in MODULES.items()
    }
    circles, state = [], {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for target in sorted(graph.get(name, ())):
            if state.get(target) == "open":
                circles.append(trail[trail.index(target) :] + [target])
            elif target not in state:
                visit(target, [*trail, target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not circles, circles


def test_an_import_inside_a_function_says_why():
    silent = []
    for name, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                line, before = lines[node.lineno - 1], lines[node.lineno - 2].strip()
                if "#" not in line and not before.startswith(("#", "from ", "import ")):
                    silent.append(f"{name}:{node.lineno}")
    assert not silent, silent


@pytest.mark.parametrize(
    "layer, allowed",
    [
        # what the index is and how it is read: nothing of the writes, the files or the messages
        ("appraisal", {"documents.models"}),
        # telling people: it reads appraisal's lower layers only
        ("notifications", set()),
    ],
)
def test_the_lower_layers_import_no_upper_app(layer, allowed):
    upward = []
    for name, path in MODULES.items():
        if not name.startswith(layer) or name.startswith(PAGES) or name in PAGES_TOO:
            continue
        for node, targets, _top in _imports(path):
            for target in targets:
                app = target.split(".")[0]
                upper = app in ("workflow", "documents", "notifications") and app != layer
                if upper and not any(target.startswith(ok) for ok in allowed):
                    upward.append(f"{name}:{node.lineno} → {target}")
    assert not upward, upward


def test_no_module_is_too_long_to_read():
    long = {
        name: count
        for name, path in MODULES.items()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST
    }
    assert not long, long


def test_each_app_says_its_rule():
    for app in ("appraisal", "workflow", "documents", "notifications"):
        rule = ast.get_docstring(ast.parse((ROOT / app / "__init__.py").read_text("utf-8")))
        assert rule and rule.startswith(f"{app} — "), app
