"""A broken framework file names every problem, with its line or row, and writes nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from appraisal.imports.frameworks import read_xlsx, read_yaml, write_xlsx
from appraisal.models import Framework, FrameworkNode
from appraisal.selectors.frameworks import framework_to_spec

pytestmark = pytest.mark.django_db

HEADER = """framework:
  code: thu-nghiem
  program: national
  level: province
  version: '1'
  name_vi: Bộ chỉ số thử nghiệm
  legal_basis: Thử nghiệm
  total_points: '10'
  survey_points: '2'
  appraised_points: '8'
nodes:
"""

GOOD_NODES = """- code: '1'
  name_vi: Lĩnh vực một
  max_points: '10'
  owner: BNV
  children:
  - code: '1.1'
    name_vi: Tiêu chí một
    max_points: '8'
    children:
    - code: 1.1.1
      name_vi: Chọn mức
      max_points: '4'
      mode: self
      method: choice
      params:
        options:
        - {points: '4', label: Đạt}
        - {points: '0', label: Không đạt}
    - code: 1.1.2
      name_vi: Tỷ lệ đúng hạn
      max_points: '4'
      mode: self
      method: ratio
      params: {numerator: Đúng hạn, denominator: Tổng số, linear: true}
    - code: 1.1.3
      name_vi: Bị kỷ luật
      max_points: '1'
      mode: self
      method: deduction
  - code: '1.2'
    name_vi: Điều tra
    max_points: '2'
    mode: survey
"""


def problems_of(text: str) -> list[str]:
    spec, problems = read_yaml(text.encode("utf-8"))
    assert spec is None
    return [str(p) for p in problems]


def test_the_good_file_is_valid():
    spec, problems = read_yaml((HEADER + GOOD_NODES).encode())
    assert problems == []
    assert [n.code for n in spec.nodes] == ["1", "1.1", "1.1.1", "1.1.2", "1.1.3", "1.2"]
    assert spec.nodes[4].params == {"step": "0.25"}  # the default step is made explicit


def test_duplicate_code_names_both_lines():
    text = HEADER + GOOD_NODES.replace("code: 1.1.2", "code: 1.1.1")
    problems = problems_of(text)
    assert any(
        "1.1.1" in p and "trùng" in p and "dòng 30" in p and "dòng 21" in p for p in problems
    ), problems


def test_orphan_code_under_the_wrong_parent():
    text = HEADER + GOOD_NODES.replace("code: 1.1.2", "code: 1.3.2")
    problems = problems_of(text)
    assert any("1.3.2" in p and "1.1" in p for p in problems), problems


def test_children_that_do_not_add_up_are_named_with_the_sums():
    text = HEADER + GOOD_NODES.replace("    max_points: '8'", "    max_points: '7.5'", 1)
    problems = problems_of(text)
    assert any("“1.1”" in p and "8" in p and "7.5" in p for p in problems), problems


def test_survey_plus_appraised_must_equal_total():
    text = HEADER.replace("survey_points: '2'", "survey_points: '3'") + GOOD_NODES
    problems = problems_of(text)
    assert any("survey_points" in p for p in problems)
    assert any("khác tổng điểm" in p for p in problems)


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (
            "- {points: '4', label: Đạt}\n        - {points: '0', label: Không đạt}",
            "ít nhất hai mức",
        ),
        (
            "- {points: '3', label: Đạt}\n        - {points: '0', label: Không đạt}",
            "cao nhất phải bằng",
        ),
        ("- {points: '4', label: Đạt}\n        - {points: '4', label: Không đạt}", "bị lặp"),
        ("- {points: '4', label: Đạt}\n        - {points: '-1', label: Không đạt}", "ngoài khoảng"),
        (
            "- {points: '4', label: Đạt}\n        - {points: '0.125', label: Không đạt}",
            "hai chữ số",
        ),
    ],
)
def test_bad_choice_parameters(bad, expected):
    good = "- {points: '4', label: Đạt}\n        - {points: '0', label: Không đạt}"
    text = HEADER + GOOD_NODES.replace(
        good, bad if expected != "ít nhất hai mức" else "- {points: '4', label: Đạt}"
    )
    problems = problems_of(text)
    assert any(expected in p and "dòng 21" in p for p in problems), problems


def test_bad_ratio_and_step_parameters():
    text = HEADER + GOOD_NODES.replace(
        "params: {numerator: Đúng hạn, denominator: Tổng số, linear: true}",
        "params: {numerator: Đúng hạn, bands: [{min_ratio: '0.5', points: '4'}, {min_ratio: '0.8', points: '0'}]}",
    ).replace("      method: deduction", "      method: deduction\n      params: {step: '0.3'}")
    problems = problems_of(text)
    assert any("tử số và mẫu số" in p for p in problems)
    assert any("từ cao xuống thấp" in p for p in problems)
    assert any("bắt đầu từ 0" in p for p in problems)
    assert any("Bước điểm 0.3" in p for p in problems)


def test_every_problem_is_reported_not_just_the_first():
    text = (
        (HEADER + GOOD_NODES)
        .replace("code: 1.1.2", "code: 1.1.1")
        .replace("method: choice", "method: guess")
    )
    text = text.replace("mode: survey", "mode: poll")
    problems = problems_of(text)
    assert len(problems) >= 3, problems


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"framework: [unclosed", "YAML"),
        ("framework:\n  code: x\n".encode("utf-16"), "UTF-8"),
        (b"- just a list", "framework:"),
        (
            (HEADER + GOOD_NODES)
            .replace("  version: '1'", "  version: '1'\n  colour: blue")
            .encode(),
            "colour",
        ),
        (
            (HEADER + GOOD_NODES)
            .replace("name_vi: Chọn mức", "name_vi: Chọn mức\n      weight: 2")
            .encode(),
            "weight",
        ),
        ((HEADER + GOOD_NODES).replace("level: province", "level: planet").encode(), "planet"),
        ((HEADER + GOOD_NODES).replace("max_points: '10'", "max_points: ten").encode(), "ten"),
        ((HEADER + GOOD_NODES).replace("max_points: '10'", "max_points: .nan").encode(), "nan"),
        (
            (HEADER + GOOD_NODES).replace("- code: '1'\n", "- code: '1'\n  code: '2'\n").encode(),
            "duplicate key",
        ),
    ],
)
def test_malformed_files(data, expected):
    spec, problems = read_yaml(data)
    assert spec is None
    assert any(expected.lower() in str(p).lower() for p in problems), [str(p) for p in problems]


def test_command_exits_non_zero_names_each_problem_and_writes_nothing(program, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(
        HEADER
        + GOOD_NODES.replace("code: 1.1.2", "code: 1.1.1").replace(
            "max_points: '8'", "max_points: '9'"
        )
    )
    frameworks, nodes = Framework.objects.count(), FrameworkNode.objects.count()
    with pytest.raises(CommandError) as error:
        call_command("import_framework", str(path))
    message = str(error.value)
    assert "nothing was written" in message
    assert "1.1.1" in message and "dòng" in message
    assert (Framework.objects.count(), FrameworkNode.objects.count()) == (frameworks, nodes)


def test_unknown_owner_and_existing_code_are_refused(program, tmp_path):
    path = tmp_path / "owner.yaml"
    path.write_text(
        (HEADER + GOOD_NODES)
        .replace("owner: BNV", "owner: BQP")
        .replace("code: thu-nghiem", "code: bo-876-mau")
    )
    count = FrameworkNode.objects.count()
    with pytest.raises(CommandError) as error:
        call_command("import_framework", str(path))
    assert "BQP" in str(error.value) and "bo-876-mau" in str(error.value)
    assert FrameworkNode.objects.count() == count


def _workbook_bytes(mutate) -> bytes:
    data = write_xlsx(framework_to_spec(Framework.objects.get(code="tinh-876-mau")))
    workbook = load_workbook(io.BytesIO(data))
    mutate(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_problems_name_sheet_and_row(program):
    def mutate(workbook):
        sheet = workbook["nodes"]
        sheet["D3"] = "abc"  # row 3: max_points of 1.1
        sheet["A5"] = "1.1.1"  # row 5: a duplicate code

    spec, problems = read_xlsx(_workbook_bytes(mutate))
    texts = [str(p) for p in problems]
    assert spec is None
    assert any("dòng 3" in t and "abc" in t for t in texts), texts


def test_xlsx_unknown_column_and_missing_sheet(program):
    def extra_column(workbook):
        workbook["nodes"]["M1"] = "colour"

    _spec, problems = read_xlsx(_workbook_bytes(extra_column))
    assert any("colour" in str(p) for p in problems)

    def drop_meta(workbook):
        del workbook["framework"]

    _spec, problems = read_xlsx(_workbook_bytes(drop_meta))
    assert any("framework" in str(p) for p in problems)
    _spec, problems = read_xlsx(b"PK\x03\x04 not really a zip")
    assert any("Excel" in str(p) for p in problems)
