"""The Excel round trip of a submission: every bad row named, nothing written unless all is valid."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from appraisal.exceptions import ProblemsError
from appraisal.submission_xlsx import export_submission, import_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(campaign):
    return campaign.submissions.get(unit__code="T34-bac-ninh")


def fill(
    data: bytes, values: dict[str, dict[str, str]], meta: dict[str, str] | None = None
) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["tieu_chi"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        code = row[0].value
        for column, value in values.get(code, {}).items():
            row[header.index(column)].value = value
    for key, value in (meta or {}).items():
        for row in workbook["ho_so"].iter_rows():
            if row[0].value == key:
                row[1].value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def first_codes(submission, method: str, n: int = 1) -> list:
    return list(
        submission.items.filter(node__scoring_method=method)
        .order_by("position")
        .select_related("node")[:n]
    )


def test_export_has_one_row_per_item_with_points_method_and_guidance(draft):
    workbook = load_workbook(io.BytesIO(export_submission(draft)))
    rows = list(workbook["tieu_chi"].iter_rows(values_only=True))
    assert rows[0][:5] == ("code", "name", "max_points", "mode", "method")
    assert len(rows) - 1 == draft.items.count()
    assert any(row[5] and "=" in row[5] for row in rows[1:])  # choice levels are spelled out


def test_a_filled_template_is_imported_and_audited(draft, cast):
    (choice,) = first_codes(draft, "choice")
    (ratio,) = first_codes(draft, "ratio")
    top = choice.node.method_params["options"][0]["points"]
    data = fill(
        export_submission(draft),
        {
            choice.node.code: {"score": top, "explanation": "Có kế hoạch số 5/KH-UBND"},
            ratio.node.code: {"numerator": "40", "denominator": "40"},
        },
    )
    assert import_submission(submission=draft, data=data, actor=cast["bacninh_focal"]) == 2
    choice.refresh_from_db()
    ratio.refresh_from_db()
    assert (
        str(choice.self_score.normalize()) == top
        and choice.explanation == "Có kế hoạch số 5/KH-UBND"
    )
    assert (ratio.ratio_numerator, ratio.ratio_denominator, ratio.self_score) == (
        40,
        40,
        ratio.max_points,
    )


def test_every_bad_row_is_named_and_nothing_is_written(draft, cast):
    choice_a, choice_b = first_codes(draft, "choice", 2)
    (ratio,) = first_codes(draft, "ratio")
    data = fill(
        export_submission(draft),
        {
            choice_a.node.code: {"score": "0.3"},
            choice_b.node.code: {
                "score": choice_b.node.method_params["options"][0]["points"]
            },  # a good row
            ratio.node.code: {"numerator": "3", "denominator": "0"},
        },
    )
    with pytest.raises(ProblemsError) as error:
        import_submission(submission=draft, data=data, actor=cast["bacninh_focal"])
    texts = [str(p) for p in error.value.problems]
    assert len(texts) == 2
    assert any(choice_a.node.code in t and "Chọn một trong các mức" in t for t in texts)
    assert any(ratio.node.code in t and "Mẫu số bằng 0" in t for t in texts)
    assert not draft.items.filter(self_score__isnull=False).exists()


def test_a_file_of_another_framework_or_unit_is_refused(draft, campaign, cast):
    other = campaign.submissions.get(unit__code="BTP")  # a ministry: another framework
    with pytest.raises(ProblemsError, match="bo-876-mau"):
        import_submission(
            submission=draft, data=export_submission(other), actor=cast["bacninh_focal"]
        )
    hanoi = campaign.submissions.get(unit__code="01")
    with pytest.raises(ProblemsError, match="01"):
        import_submission(
            submission=draft, data=export_submission(hanoi), actor=cast["bacninh_focal"]
        )
    with pytest.raises(ProblemsError, match="Excel"):
        import_submission(submission=draft, data=b"PK\x03\x04 broken", actor=cast["bacninh_focal"])


def test_exported_cells_never_run_as_formulas(draft, cast):
    from appraisal.models import ScoreItem

    item = ScoreItem.objects.filter(submission=draft, scoring_mode="self").first()
    ScoreItem.objects.filter(pk=item.pk).update(explanation='=HYPERLINK("http://evil","x")')
    workbook = load_workbook(io.BytesIO(export_submission(draft)))
    cells = [
        c
        for row in workbook["tieu_chi"].iter_rows()
        for c in row
        if str(c.value).startswith("=HYPERLINK")
    ]
    assert cells and all(c.data_type == "s" for c in cells)


def test_import_page(client, cast, draft):
    url = reverse("submission_import_xlsx", args=[draft.pk])
    client.force_login(cast["manager"])
    assert client.get(url).status_code == 403
    client.force_login(cast["bacninh_focal"])
    assert client.get(url).status_code == 200
    (choice,) = first_codes(draft, "choice")
    bad = fill(export_submission(draft), {choice.node.code: {"score": "9"}})
    response = client.post(url, {"file": SimpleUploadedFile("x.xlsx", bad)})
    assert response.status_code == 400 and "chưa có gì được ghi" in response.content.decode()
    good = fill(export_submission(draft), {choice.node.code: {"score": "0"}})
    response = client.post(url, {"file": SimpleUploadedFile("x.xlsx", good)})
    assert response.status_code == 302
    export = client.get(reverse("submission_export_xlsx", args=[draft.pk]))
    assert export.status_code == 200 and export["Content-Disposition"].startswith("attachment;")
