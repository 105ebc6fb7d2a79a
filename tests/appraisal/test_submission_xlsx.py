"""The Excel round trip of a submission: every bad row named, nothing written unless all is valid."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from appraisal.imports.submission_sheet import COLUMNS, META_ROWS, export_submission
from appraisal.problems import ProblemsError
from workflow.services.scores_bulk import import_submission

LABEL = dict(COLUMNS) | dict(META_ROWS)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(campaign):
    return campaign.submissions.get(unit__code="T34-bac-ninh")


def fill(
    data: bytes, values: dict[str, dict[str, str]], meta: dict[str, str] | None = None
) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["Tiêu chí"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        code = row[0].value
        for column, value in values.get(code, {}).items():
            row[header.index(LABEL[column])].value = value
    for key, value in (meta or {}).items():
        for row in workbook["Hồ sơ"].iter_rows():
            if row[0].value == LABEL[key]:
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
    rows = list(workbook["Tiêu chí"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Mã", "Tiêu chí", "Điểm tối đa", "Cách chấm", "Phương pháp chấm")
    assert len(rows) - 1 == draft.items.count()
    assert any(row[5] and "=" in row[5] for row in rows[1:])  # choice levels are spelled out
    # only the yellow columns take typing; the others are protected
    sheet = workbook["Tiêu chí"]
    assert sheet.protection.sheet
    editable = {c.column_letter for c in sheet[2] if not c.protection.locked}
    assert editable == {"G", "H", "I", "J"}  # score, numerator, denominator, explanation


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
        for row in workbook["Tiêu chí"].iter_rows()
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
    # a preview first: what will change, nothing written yet
    assert response.status_code == 200 and response.context["counts"]["set"] == 1
    choice.refresh_from_db()
    assert choice.self_score is None
    digest = response.context["digest"]
    response = client.post(url, {"confirm": digest})
    assert response.status_code == 302
    choice.refresh_from_db()
    assert choice.self_score == 0
    # the kept file is used once
    assert client.post(url, {"confirm": digest}).status_code == 400
    export = client.get(reverse("submission_export_xlsx", args=[draft.pk]))
    assert export.status_code == 200 and export["Content-Disposition"].startswith("attachment;")


# Issue 14, 3: an unchanged round trip changes nothing; every typed cell is used or refused ---


def score_every_way(submission, focal, rng) -> None:
    """Put each self-scored item in one of the states a real draft holds: unscored; scored in
    the workspace by its method; scored directly (a ratio item without its counts, as older
    data and the demo have it); with or without an explanation."""
    from appraisal.scoring import ratio_score
    from workflow.services.scores import score_set_self

    for item in submission.items.filter(scoring_mode="self").select_related("node"):
        way = rng.choice(["none", "entry", "value", "explained"])
        params, method = item.node.method_params, item.node.scoring_method
        explanation = "Có văn bản số 12/KH, trang 3" if way == "explained" else None
        if way == "none":
            continue
        if method == "ratio" and way != "value":
            d = rng.randint(1, 50)
            n = rng.randint(0, d)
            score_set_self(
                item=item,
                actor=focal,
                entry={"numerator": str(n), "denominator": str(d)},
                explanation=explanation,
            )
            assert item.max_points >= ratio_score(params, item.max_points, n, d)
        elif method == "choice":
            option = rng.choice(params["options"])
            score_set_self(
                item=item, actor=focal, value=Decimal(option["points"]), explanation=explanation
            )
        elif method == "deduction" and way == "entry":
            score_set_self(
                item=item,
                actor=focal,
                entry={"cases": str(rng.randint(0, 9))},
                explanation=explanation,
            )
        elif method == "deduction":
            score_set_self(item=item, actor=focal, value=-item.max_points, explanation=explanation)
        else:
            score_set_self(item=item, actor=focal, value=item.max_points, explanation=explanation)


@pytest.mark.parametrize("seed", range(6))
def test_an_unchanged_round_trip_changes_nothing(draft, cast, seed):
    import random

    from appraisal.imports.submission_xlsx import import_changes

    score_every_way(draft, cast["bacninh_focal"], random.Random(seed))
    before = list(
        draft.items.order_by("pk").values_list(
            "self_score", "ratio_numerator", "ratio_denominator", "explanation", "version"
        )
    )
    data = export_submission(draft)
    assert import_changes(draft, data) == []
    assert import_submission(submission=draft, data=data, actor=cast["bacninh_focal"]) == 0
    after = list(
        draft.items.order_by("pk").values_list(
            "self_score", "ratio_numerator", "ratio_denominator", "explanation", "version"
        )
    )
    assert after == before


def test_a_ratio_items_score_cell_is_used_or_refused_never_dropped(draft, cast):
    from workflow.services.scores import score_set_self

    (ratio,) = first_codes(draft, "ratio")
    (choice,) = first_codes(draft, "choice")
    # typed into the score cell of a ratio row without counts: refused, the row named
    data = fill(export_submission(draft), {ratio.node.code: {"score": "1"}})
    with pytest.raises(ProblemsError) as refused:
        import_submission(submission=draft, data=data, actor=cast["bacninh_focal"])
    assert any(
        ratio.node.code in str(p) and "tử số" in str(p) and "dòng" in str(p)
        for p in refused.value.problems
    )
    # a score that disagrees with the counts typed beside it: refused
    data = fill(
        export_submission(draft),
        {ratio.node.code: {"numerator": "1", "denominator": "4", "score": str(ratio.max_points)}},
    )
    with pytest.raises(ProblemsError, match="không khớp"):
        import_submission(submission=draft, data=data, actor=cast["bacninh_focal"])
    # counts in a row that is not a ratio: refused
    data = fill(export_submission(draft), {choice.node.code: {"numerator": "3"}})
    with pytest.raises(ProblemsError, match="không tính theo tỷ lệ"):
        import_submission(submission=draft, data=data, actor=cast["bacninh_focal"])
    assert not draft.items.filter(self_score__isnull=False).exists()
    # a ratio scored without counts keeps its score through an explanation change
    score_set_self(item=ratio, actor=cast["bacninh_focal"], value=ratio.max_points)
    data = fill(export_submission(draft), {ratio.node.code: {"explanation": "Báo cáo số 7"}})
    assert import_submission(submission=draft, data=data, actor=cast["bacninh_focal"]) == 1
    ratio.refresh_from_db()
    assert ratio.self_score == ratio.max_points and ratio.explanation == "Báo cáo số 7"


def test_the_preview_counts_scores_set_changed_cleared_and_explanations(draft, cast):
    from appraisal.imports.submission_xlsx import import_changes
    from workflow.services.scores import score_set_self

    a, b, c = first_codes(draft, "choice", 3)
    top = a.node.method_params["options"][0]["points"]
    score_set_self(item=b, actor=cast["bacninh_focal"], value=Decimal(top))
    score_set_self(item=c, actor=cast["bacninh_focal"], value=Decimal(top))
    data = fill(
        export_submission(draft),
        {
            a.node.code: {"score": top},
            b.node.code: {"score": "0"},
            c.node.code: {"score": "", "explanation": "Không có"},
        },
    )
    kinds = {change.item.node.code: change.kind for change in import_changes(draft, data)}
    assert kinds == {a.node.code: "set", b.node.code: "changed", c.node.code: "cleared"}


def test_the_template_is_vietnamese_typed_and_validated(draft):
    from appraisal.models import ScoreItem

    item = ScoreItem.objects.filter(submission=draft, scoring_mode="self").order_by("position")
    ScoreItem.objects.filter(pk=item.first().pk).update(self_score=Decimal("0.5"))
    workbook = load_workbook(io.BytesIO(export_submission(draft)))
    assert workbook.sheetnames == ["Hồ sơ", "Tiêu chí"]
    sheet = workbook["Tiêu chí"]
    header = [c.value for c in sheet[1]]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    first = rows[item.first().node.code]
    # numbers are numbers
    assert isinstance(first[header.index("Điểm tối đa")].value, int | float)
    assert first[header.index("Điểm tự chấm")].value == 0.5
    # the guidance is the name cell's comment
    assert first[header.index("Tiêu chí")].comment.text == item.first().node.guidance
    # a choice item's score cell has a drop-down of its levels; a ratio's counts are whole
    choice = first_codes(draft, "choice")[0]
    score_cell = rows[choice.node.code][header.index("Điểm tự chấm")].coordinate
    lists = [
        dv
        for dv in sheet.data_validations.dataValidation
        if dv.type == "list" and score_cell in dv.sqref
    ]
    assert len(lists) == 1
    levels = {
        str(o["points"]).rstrip("0").rstrip(".") for o in choice.node.method_params["options"]
    }
    assert set(lists[0].formula1.strip('"').split(",")) == {
        level if level else "0" for level in levels
    }
    ratio = first_codes(draft, "ratio")[0]
    counts = rows[ratio.node.code][header.index("Mẫu số")].coordinate
    assert any(
        dv.type == "whole" and counts in dv.sqref for dv in sheet.data_validations.dataValidation
    )
    assert all(dv.error and dv.errorTitle for dv in sheet.data_validations.dataValidation)


def test_a_file_of_the_earlier_template_is_still_read(draft, cast):
    """Files with the code-named sheets and columns, already filled in by units, still import."""
    from openpyxl import Workbook

    choice = first_codes(draft, "choice")[0]
    top = choice.node.method_params["options"][-1]["points"]
    book = Workbook()
    meta = book.active
    meta.title = "ho_so"
    meta.append(["framework", draft.framework.code])
    meta.append(["unit", draft.unit.code])
    items = book.create_sheet("tieu_chi")
    items.append(["code", "score", "numerator", "denominator", "explanation"])
    items.append([choice.node.code, str(top), "", "", "Theo kế hoạch"])
    buffer = io.BytesIO()
    book.save(buffer)
    import_submission(submission=draft, data=buffer.getvalue(), actor=cast["bacninh_focal"])
    choice.refresh_from_db()
    assert choice.self_score == Decimal(str(top)) and choice.explanation == "Theo kế hoạch"
