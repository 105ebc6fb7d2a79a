"""Importing the sample frameworks, and the round trip through YAML and XLSX."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from appraisal.imports.frameworks import read_xlsx, read_yaml, write_xlsx, write_yaml
from appraisal.models import Framework, FrameworkNode
from appraisal.models.choices import NodeKind, ScoringMode
from appraisal.selectors.frameworks import framework_to_spec
from tests.conftest import SAMPLE_MINISTRY, SAMPLE_PROVINCE
from workflow.services.frameworks import framework_import

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "domains", "criteria", "subs", "survey", "appraised"),
    [
        ("bo-876-mau", 7, 38, 97, Decimal("31.5"), Decimal("68.5")),
        ("tinh-876-mau", 8, 37, 88, Decimal("32"), Decimal("68")),
    ],
)
def test_sample_frameworks_have_the_shape_of_876(
    program, code, domains, criteria, subs, survey, appraised
):
    framework = Framework.objects.get(code=code)
    nodes = FrameworkNode.objects.filter(framework=framework)
    assert nodes.filter(kind=NodeKind.DOMAIN).count() == domains
    assert nodes.filter(kind=NodeKind.CRITERION).count() == criteria
    assert nodes.filter(kind=NodeKind.SUB_CRITERION).count() == subs
    survey_sum = sum(
        n.max_points for n in nodes.filter(is_leaf=True, scoring_mode=ScoringMode.SURVEY)
    )
    assert survey_sum == survey == framework.survey_points
    assert framework.appraised_points == appraised
    assert framework.total_points == Decimal(100)
    assert "MINH HỌA" in framework.notice and "ILLUSTRATIVE" in framework.notice
    # every domain has its owning organisation
    assert not nodes.filter(kind=NodeKind.DOMAIN, owner__isnull=True).exists()


@pytest.mark.parametrize("path", [SAMPLE_MINISTRY, SAMPLE_PROVINCE])
def test_the_shipped_yaml_is_what_export_writes(program, path):
    spec, _ = read_yaml(path.read_bytes())
    framework = Framework.objects.get(code=spec.code)
    assert write_yaml(framework_to_spec(framework)) == path.read_bytes()


def test_export_import_export_yaml_is_identical(program, tmp_path, capsys):
    call_command(
        "export_framework", "tinh-876-mau", "--format", "yaml", "--output", str(tmp_path / "a.yaml")
    )
    first = (tmp_path / "a.yaml").read_text(encoding="utf-8")
    renamed = first.replace("code: tinh-876-mau", "code: tinh-876-ban-sao")
    (tmp_path / "b.yaml").write_text(renamed, encoding="utf-8")
    call_command("import_framework", str(tmp_path / "b.yaml"))
    call_command(
        "export_framework",
        "tinh-876-ban-sao",
        "--format",
        "yaml",
        "--output",
        str(tmp_path / "c.yaml"),
    )
    assert (tmp_path / "c.yaml").read_text(encoding="utf-8") == renamed


def test_export_import_export_xlsx_keeps_every_value(program, tmp_path):
    original = Framework.objects.get(code="bo-876-mau")
    data = write_xlsx(framework_to_spec(original))
    spec, problems = read_xlsx(data)
    assert problems == []
    spec.code = "bo-876-tu-excel"
    copy = framework_import(spec=spec, actor=None, program=original.program)
    again = framework_to_spec(copy)
    again.code = original.code
    assert write_yaml(again) == write_yaml(framework_to_spec(original))
    # and the second workbook carries the same cells as the first
    assert _cells(write_xlsx(framework_to_spec(copy))) == _cells(data).replace(
        original.code, copy.code
    )


def _cells(data: bytes) -> str:
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    return repr([[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook])


def test_import_framework_command_creates_a_draft(program, tmp_path, capsys):
    text = SAMPLE_MINISTRY.read_text(encoding="utf-8").replace("code: bo-876-mau", "code: bo-2027")
    path = tmp_path / "bo-2027.yaml"
    path.write_text(text, encoding="utf-8")
    call_command("import_framework", str(path))
    framework = Framework.objects.get(code="bo-2027")
    assert not framework.is_locked
    assert framework.nodes.count() == 7 + 38 + 97
    assert "Imported bo-2027" in capsys.readouterr().out


def test_import_framework_check_writes_nothing(program, tmp_path, capsys):
    text = SAMPLE_MINISTRY.read_text(encoding="utf-8").replace(
        "code: bo-876-mau", "code: bo-kiem-tra"
    )
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    call_command("import_framework", str(path), "--check")
    assert not Framework.objects.filter(code="bo-kiem-tra").exists()
    assert "valid" in capsys.readouterr().out
