"""Past years' published results (import_results) and the live level's inputs."""

from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.urls import reverse

from appraisal.models import Campaign, ScoreItem, Submission, SurveyResult, UnitResult
from appraisal.selectors.results import level_inputs, level_preview
from tests.conftest import fill_self_scores
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db

HEADER = "unit_name,appraisal_points,survey_points\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_past_year_is_loaded_by_name_and_ranked(tmp_path, program):
    path = write(
        tmp_path,
        "2024.csv",
        HEADER
        + "thành phố  hà nội,60.5,28.1\n"  # case, spacing and prefix do not count
        + "Bắc Giang,58,30.005\n"
        + "TỈNH HÀ GIANG,50,25\n",
    )
    call_command(
        "import_results",
        "--program",
        "national",
        "--year",
        "2024",
        "--level",
        "province",
        str(path),
    )
    campaign = Campaign.objects.get(program=program, year=2024)
    assert campaign.state == "published" and campaign.imported
    rows = {r.unit.code: r for r in UnitResult.objects.filter(campaign=campaign)}
    assert (rows["01"].rank, rows["24"].rank, rows["02"].rank) == (1, 2, 3)
    assert rows["24"].index == D("88.00500000") and rows["24"].group == "B"
    assert AuditEvent.objects.filter(action="import_results").exists()


def test_year_on_year_change_follows_the_lineage(tmp_path, program):
    call_command(
        "import_results",
        "--program",
        "national",
        "--year",
        "2024",
        "--level",
        "province",
        str(write(tmp_path, "2024.csv", HEADER + "Hà Nội,60,28\nBắc Ninh,55,30\n")),
    )
    call_command(
        "import_results",
        "--program",
        "national",
        "--year",
        "2025",
        "--level",
        "province",
        str(
            write(
                tmp_path,
                "2025.csv",
                "unit_code,appraisal_points,survey_points\n01,61,28.5\nT34-bac-ninh,57,30\n",
            )
        ),
    )
    rows = {r.unit.code: r for r in UnitResult.objects.filter(campaign__year=2025)}
    assert rows["01"].previous_index == D("88.00000000")  # Hà Nội went on: change +1.50
    assert rows["T34-bac-ninh"].previous_index is None  # the new Bắc Ninh (27 + 24) is new


@pytest.mark.parametrize(
    "body, message",
    [
        ("Tỉnh Không Có,50,30\n", "Không tìm thấy đơn vị"),
        ("Hà Nội,abc,30\n", "không phải số điểm"),
        ('Hà Nội,=HYPERLINK("x"),30\n', "không phải số điểm"),
        ("Hà Nội,NaN,30\n", "không phải số điểm"),
        ("Hà Nội,1e400,30\n", "không phải số điểm"),
        ("Hà Nội,-0.5,30\n", "không phải số điểm"),
        ("Hà Nội,80,30\n", "vượt điểm tối đa"),
        ("Hà Nội,50,30\nHà Nội,50,30\n", "dòng 4: Thành phố Hà Nội đã có ở dòng 3"),
        ("Hà Nội,,30\n", "Thiếu giá trị"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_written(tmp_path, program, body, message):
    path = write(tmp_path, "bad.csv", HEADER + "Hải Phòng,50,30\n" + body)
    with pytest.raises(CommandError, match=message):
        call_command(
            "import_results",
            "--program",
            "national",
            "--year",
            "2024",
            "--level",
            "province",
            str(path),
        )
    assert not Campaign.objects.filter(year=2024).exists()
    assert not UnitResult.objects.exists()


def test_a_year_with_a_live_campaign_is_not_overwritten(tmp_path, campaign):
    path = write(tmp_path, "2026.csv", HEADER + "Hà Nội,50,30\n")
    with pytest.raises(CommandError, match="đã có đợt đánh giá"):
        call_command(
            "import_results",
            "--program",
            "national",
            "--year",
            "2026",
            "--level",
            "province",
            str(path),
        )


def test_malformed_utf8_is_refused(tmp_path, program):
    path = tmp_path / "latin1.csv"
    path.write_bytes(HEADER.encode() + "Hà Nội,50,30\n".encode("latin-1", "replace") + b"\xff\xfe")
    with pytest.raises(CommandError, match="UTF-8"):
        call_command(
            "import_results",
            "--program",
            "national",
            "--year",
            "2024",
            "--level",
            "province",
            str(path),
        )


def test_the_live_level_counts_final_scores_survey_and_not_applicable_items(campaign):
    bac_ninh = campaign.submissions.get(unit__code="T34-bac-ninh")
    fill_self_scores(bac_ninh)
    items = ScoreItem.objects.filter(submission=bac_ninh)
    items.exclude(scoring_mode="survey").update(final_score=0)
    counted = items.filter(scoring_mode__in=["self", "central"], is_deduction=False)
    first = counted.order_by("position").first()
    ScoreItem.objects.filter(pk=first.pk).update(applicable=False)
    Submission.objects.filter(pk=bac_ninh.pk).update(state="appraised")
    SurveyResult.objects.create(campaign=campaign, unit=bac_ninh.unit, points=D("25.5"))
    [unit] = level_inputs(campaign, "province")
    framework_max = sum(i.max_points for i in items.filter(is_deduction=False))
    assert unit.max_points == framework_max - first.max_points
    assert unit.appraisal_points == 0 and unit.survey_points == D("25.5")
    assert len(unit.domains) == 8 and unit.criteria
    [result] = level_preview(campaign, "province").results
    assert result.index == D("25.5") / unit.max_points * 100
    # excluded or not appraised: not counted
    Submission.objects.filter(pk=bac_ninh.pk).update(exclusion_reason="Không nộp báo cáo")
    assert level_inputs(campaign, "province") == []


def _appraised(campaign, count: int) -> list[Submission]:
    """`count` provinces appraised with different scores, deductions, items not applicable and
    survey points (one without)."""
    reports = list(campaign.submissions.filter(level="province").order_by("unit__code")[:count])
    for n, report in enumerate(reports):
        fill_self_scores(report)
        items = ScoreItem.objects.filter(submission=report).exclude(scoring_mode="survey")
        items.filter(is_deduction=False).update(final_score=F("max_points") * D(50 + 5 * n) / 100)
        items.filter(is_deduction=True).update(final_score=-F("max_points") * n / 10)
        if n % 2:
            first = items.filter(is_deduction=False).order_by("position").first()
            ScoreItem.objects.filter(pk=first.pk).update(applicable=False)
        if n != 3:  # one without survey points yet
            SurveyResult.objects.create(campaign=campaign, unit=report.unit, points=D(20 + n))
    Submission.objects.filter(pk__in=[r.pk for r in reports]).update(state="appraised")
    return reports


def test_the_preview_without_parts_ranks_exactly_as_publication(campaign):
    """The preview page reads one sum per report; publication reads the parts. Same totals,
    indices, groups and ranks, with deductions, items not applicable and survey points."""
    _appraised(campaign, 6)

    def summary(results):
        return [
            (r.unit.code, r.unit.appraisal_points, r.unit.max_points, r.total, r.index, r.group)
            + (r.rank,)
            for r in results.results
        ]

    full = level_preview(campaign, "province")
    assert len(full.results) == 6 and len({r.index for r in full.results}) == 6
    assert summary(level_preview(campaign, "province", parts=False)) == summary(full)
    assert level_preview(campaign, "province", parts=False).average == full.average


def test_the_preview_page_shows_a_level_a_page_at_a_time(client, cast, campaign, monkeypatch):
    monkeypatch.setattr("appraisal.views.results.PREVIEW_PAGE", 4)
    _appraised(campaign, 6)
    client.force_login(cast["secretariat"])
    url = reverse("results_preview", args=[campaign.pk])
    [(_code, _label, _results, first)] = [
        level for level in client.get(url).context["levels"] if level[0] == "province"
    ]
    assert [r.rank for r in first] == [1, 2, 3, 4]
    page = client.get(url, {"p-province": 2})
    [(_code, _label, _results, second)] = [
        level for level in page.context["levels"] if level[0] == "province"
    ]
    assert [r.rank for r in second] == [5, 6]
    assert "6 đơn vị (đang xem 5–6)" in page.content.decode()
