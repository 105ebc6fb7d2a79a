"""Bad input (issue 9): random and hostile values — malformed UTF-8, formulas in cells, huge
numbers, NaN, negative zero, thousands of rows — thrown at every import and at the score
entry. Each ends in a clear error or a correct import: never another exception, never a
partial write. Exports never hand a spreadsheet a formula."""

import csv
import io
from decimal import Decimal

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from appraisal.imports.frameworks import read_file
from appraisal.imports.submission_sheet import COLUMNS, export_submission
from appraisal.imports.tables import spreadsheet_safe
from appraisal.models import ScoreItem, SurveyResult, UnitResult
from appraisal.problems import ProblemsError
from workflow.services.results import results_import
from workflow.services.scores import score_set_self
from workflow.services.scores_bulk import import_submission
from workflow.services.survey import survey_apply, survey_maxima, survey_upload

pytestmark = pytest.mark.django_db
FIXTURES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HOSTILE = st.one_of(
    st.sampled_from(
        [
            '=HYPERLINK("http://evil.example","bấm vào")',
            "=1+1",
            "+cmd|' /C calc'!A0",
            "@SUM(1)",
            "-0",
            "-0.0",
            "0",
            "NaN",
            "nan",
            "inf",
            "-Infinity",
            "1e309",
            "1e-400",
            "9" * 400,
            "1,5",
            "1.5.5",
            "",
            " ",
            "\x00",
            "\u202e12",
            "１２",
            "٣",
            "-5",
            "0.001",
        ]
    ),
    st.text(max_size=40),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
)


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _encode(text: str, mangle: int) -> bytes:
    """The text as a file would carry it: UTF-8, sometimes with a byte that is not UTF-8."""
    data = text.encode("utf-8", errors="surrogatepass")
    if mangle and data:
        cut = mangle % len(data)
        data = data[:cut] + b"\xff\xfe" + data[cut:]
    return data


class Rollback(Exception):
    """Undo one example's writes: examples share the test's database."""


def _isolated(work):
    try:
        with transaction.atomic():
            work()
            raise Rollback
    except Rollback:
        pass


# Frameworks ------------------------------------------------------------------------------


@FIXTURES
@given(
    data=st.binary(max_size=2000),
    name=st.sampled_from(["khung.yaml", "khung.yml", "khung.xlsx", "khung.csv", "khung"]),
)
@example(data=b"\xff\xfe\x00garbage", name="khung.yaml")
@example(data=b"PK\x03\x04not really a zip", name="khung.xlsx")
def test_any_bytes_as_a_framework_file_give_problems_not_errors(data, name):
    spec, problems = read_file(data, name)
    assert spec is not None or problems


JSONISH = st.recursive(
    st.none() | st.booleans() | HOSTILE | st.integers() | st.floats(allow_nan=True),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(HOSTILE, inner, max_size=4),
    max_leaves=30,
)


@FIXTURES
@given(
    tree=st.fixed_dictionaries(
        {"framework": st.dictionaries(HOSTILE, JSONISH, max_size=6), "nodes": JSONISH}
    )
)
def test_hostile_framework_trees_give_problems_not_errors(tree):
    data = yaml.safe_dump(tree, allow_unicode=True).encode()
    spec, problems = read_file(data, "khung.yaml")
    assert spec is not None or problems


# The survey --------------------------------------------------------------------------------


@FIXTURES
@given(
    rows=st.lists(st.tuples(st.integers(0, 60), HOSTILE), max_size=12),
    mangle=st.integers(0, 3),
)
def test_survey_files_are_refused_whole_or_applied_exactly(personas, campaign, rows, mangle):
    units = list(campaign.submissions.select_related("unit").order_by("unit__code"))
    maxima = survey_maxima(campaign)
    lines = [[units[n].unit.code if n < len(units) else f"X{n}", value] for n, value in rows]
    data = _encode(_csv(["unit_code", "survey_points"], lines), mangle)

    def attempt():
        preview = survey_upload(
            campaign=campaign, data=data, filename="dieu-tra.csv", actor=personas["secretariat"]
        )
        if not preview.can_apply:
            assert preview.problems or not preview.rows
            with pytest.raises(ValidationError):
                survey_apply(upload=preview.upload, actor=personas["secretariat"])
            assert not SurveyResult.objects.exists()
            return
        survey_apply(upload=preview.upload, actor=personas["secretariat"])
        stored = {r.unit_id: r.points for r in SurveyResult.objects.all()}
        assert len(stored) == len(preview.rows)
        for row in preview.rows:
            maximum = maxima[units[[u.unit_id for u in units].index(row.unit.pk)].level][0]
            assert stored[row.unit.pk].is_finite()
            assert Decimal(0) <= stored[row.unit.pk] <= maximum

    _isolated(attempt)


def test_thousands_of_survey_rows_are_read_and_refused_whole(personas, campaign):
    """Ten thousand rows naming units the campaign does not have: one clear refusal."""
    lines = [[f"KHONGCO{n}", "10"] for n in range(10_000)]
    preview = survey_upload(
        campaign=campaign,
        data=_csv(["unit_code", "survey_points"], lines).encode(),
        filename="lon.csv",
        actor=personas["secretariat"],
    )
    assert not preview.can_apply and len(preview.problems) >= 1
    with pytest.raises(ProblemsError):
        survey_apply(upload=preview.upload, actor=personas["secretariat"])
    assert not SurveyResult.objects.exists()


# Past results ----------------------------------------------------------------------------


@FIXTURES
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["01", "04", "T34-bac-ninh", "KHONGCO", "=1+1"]), HOSTILE, HOSTILE
        ),
        min_size=1,
        max_size=8,
    ),
    mangle=st.integers(0, 3),
)
def test_past_results_are_imported_whole_or_not_at_all(program, rows, mangle):
    header = ["unit_code", "appraisal_points", "survey_points"]
    data = _encode(_csv(header, [list(row) for row in rows]), mangle)
    before = UnitResult.objects.count()

    def attempt():
        try:
            results_import(
                program=program,
                year=2019,
                level="province",
                data=data,
                filename="2019.csv",
                actor=None,
            )
        except ValidationError as error:
            assert error.messages  # a clear message, and nothing stored
            assert UnitResult.objects.count() == before
            return
        for result in UnitResult.objects.filter(campaign__year=2019):
            assert result.index.is_finite() and Decimal(0) <= result.index <= Decimal(100)

    _isolated(attempt)


# The scores workbook and the score entry -------------------------------------------------


def _workbook(template: bytes, values: list[str]) -> bytes:
    book = load_workbook(io.BytesIO(template))
    sheet = book[book.sheetnames[-1]]
    column = [key for key, _label in COLUMNS].index("score") + 1
    for row, value in zip(range(2, sheet.max_row + 1), values, strict=False):
        # "=…" becomes a formula cell; control characters cannot be in a workbook at all
        sheet.cell(row=row, column=column, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@FIXTURES
@given(values=st.lists(HOSTILE, min_size=1, max_size=20))
def test_a_scores_workbook_is_applied_whole_or_refused(personas, campaign, values):
    submission = campaign.submissions.get(unit__code="T34-bac-ninh")
    data = _workbook(export_submission(submission), values)
    before = list(submission.items.order_by("pk").values_list("self_score", "version"))

    def attempt():
        try:
            import_submission(submission=submission, data=data, actor=personas["bacninh_focal"])
        except ValidationError as error:
            assert error.messages
            after = list(submission.items.order_by("pk").values_list("self_score", "version"))
            assert after == before
            return
        for item in submission.items.exclude(self_score=None):
            assert item.self_score.is_finite()
            low, high = (-item.max_points, 0) if item.is_deduction else (0, item.max_points)
            assert low <= item.self_score <= high

    _isolated(attempt)


def test_garbage_instead_of_a_workbook_is_one_clear_problem(personas, campaign):
    submission = campaign.submissions.get(unit__code="T34-bac-ninh")
    for data in (b"", b"\xff" * 100, b"PK\x03\x04" + b"\x00" * 50):
        with pytest.raises(ProblemsError) as refused:
            import_submission(submission=submission, data=data, actor=personas["bacninh_focal"])
        assert refused.value.messages


@FIXTURES
@given(score=HOSTILE, numerator=HOSTILE, denominator=HOSTILE)
def test_a_typed_score_is_saved_in_range_or_refused(
    personas, campaign, score, numerator, denominator
):
    submission = campaign.submissions.get(unit__code="T34-bac-ninh")
    items = list(submission.items.filter(scoring_mode="self").order_by("position"))

    def attempt():
        for item in items[:: max(1, len(items) // 6)]:  # every scoring method of the sample
            try:
                saved = score_set_self(
                    item=item,
                    actor=personas["bacninh_focal"],
                    entry={"score": score, "numerator": numerator, "denominator": denominator},
                )
            except ValidationError as error:
                assert error.messages
                assert ScoreItem.objects.get(pk=item.pk).version == item.version
                continue
            if saved.self_score is not None:
                assert saved.self_score.is_finite()
                low = -saved.max_points if saved.is_deduction else 0
                high = 0 if saved.is_deduction else saved.max_points
                assert low <= saved.self_score <= high

    _isolated(attempt)


# Exports ---------------------------------------------------------------------------------


@given(value=HOSTILE)
def test_spreadsheet_safe_never_leaves_a_formula(value):
    assert spreadsheet_safe(value)[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_an_explanation_that_looks_like_a_formula_is_exported_as_text(personas, campaign):
    submission = campaign.submissions.get(unit__code="T34-bac-ninh")
    item = submission.items.filter(scoring_mode="self").first()
    ScoreItem.objects.filter(pk=item.pk).update(
        explanation='=HYPERLINK("http://evil.example","Xem")'
    )
    book = load_workbook(io.BytesIO(export_submission(submission)))
    cells = [cell for row in book[book.sheetnames[-1]].iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    assert any("HYPERLINK" in str(cell.value) for cell in cells)


def test_a_nul_character_in_any_field_is_refused_before_any_view(client, personas, campaign):
    """PostgreSQL cannot store one; a view reading the field directly would fail."""
    from django.urls import reverse

    client.force_login(personas["bacninh_focal"])
    submission = campaign.submissions.get(unit__code="T34-bac-ninh")
    item = submission.items.filter(scoring_mode="self").first()
    response = client.post(
        reverse("item_save", args=[item.pk]),
        {"score": "0", "version": item.version, "explanation": "a\x00b"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert ScoreItem.objects.get(pk=item.pk).version == item.version
    client.force_login(personas["secretariat"])
    query = client.get(reverse("role_list", args=[campaign.program_id]), {"q": "\x00"})
    assert query.status_code == 400
    # a file's bytes are not fields: a PDF holding NUL bytes is taken
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.models import Document

    client.force_login(personas["bacninh_focal"])
    pdf = b"%PDF-1.4\n%\x00\x00binary\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    uploaded = client.post(
        reverse("evidence_upload", args=[submission.pk]),
        {"files": [SimpleUploadedFile("nhi-phan.pdf", pdf, "application/pdf")]},
    )
    assert uploaded.status_code == 302
    assert Document.objects.filter(submission=submission).exists()
