"""Issue 14, 10: dates and states that do not mislead — the home page's years in order and
imported years not shown as "0 / 0", stages in the order of the lifecycle, an imported year
not "published" on its import day, averages with two decimals, and the minutes recording
what the meeting decided rather than the state when printed."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal.models import StageDeadline
from tests.appraisal.test_public_results import two_years  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_home_lists_years_newest_first_and_imported_years_as_such(
    client,
    personas,
    campaign,
    two_years,  # noqa: F811
):
    client.force_login(personas["secretariat"])
    body = client.get(reverse("home")).content.decode()
    years = [int(y) for y in re.findall(r"<tr>\s*<td>(\d{4})</td>", body)]
    assert years == sorted(years, reverse=True) and years[:3] == [2026, 2025, 2024]
    assert "0 / 0" not in body and "kết quả nhập" in body


def test_the_stage_table_follows_the_lifecycle(client, personas, campaign):
    # an older campaign whose review deadline was set before its self-assessment one
    StageDeadline.objects.create(
        campaign=campaign,
        stage="review",
        starts_on=datetime.date(2026, 11, 1),
        due_on=datetime.date(2026, 12, 1),
    )
    client.force_login(personas["secretariat"])
    deadlines = client.get(reverse("campaign_detail", args=[campaign.pk])).context["deadlines"]
    assert [d.stage for d in deadlines] == ["self_assessment", "review"]


def test_an_imported_year_is_not_published_on_its_import_day(client, two_years):  # noqa: F811
    body = client.get(reverse("results_year", args=["national", 2025])).content.decode()
    assert "Công bố" not in re.sub(r"Văn bản công bố|công bố \(quyết", "", body)
    assert "Nhập từ kết quả đã công bố" in body


def test_averages_show_two_decimals(client, two_years):  # noqa: F811
    body = client.get(reverse("results_year", args=["national", 2025])).content.decode()
    average = re.search(r"Giá trị trung bình: <strong>([\d,]+)%", body).group(1)
    assert re.fullmatch(r"\d+,\d\d", average), average


def test_the_minutes_record_the_meetings_decision_not_todays_state(cast, campaign):
    from appraisal.models import Submission
    from documents.builders import build_minutes
    from workflow.audit import audit_record
    from workflow.models import AuditKind

    hanoi, bac_ninh = (campaign.submissions.get(unit__code=c) for c in ("01", "T34-bac-ninh"))
    from appraisal.models import CouncilSession

    session = CouncilSession.objects.create(
        campaign=campaign,
        number=1,
        held_on=timezone.localdate(),
        place="Hà Nội",
        created_by=cast["secretariat"],
    )
    session.agenda.set([hanoi, bac_ninh])
    audit_record(
        kind=AuditKind.TRANSITION,
        actor=cast["chair"],
        obj_type="submission",
        obj_id=hanoi.pk,
        submission_id=hanoi.pk,
        program_id=campaign.program_id,
        action="send_back_to_review",
        from_state="in_council",
        to_state="under_review",
        comment="Làm rõ lĩnh vực 6",
    )
    Submission.objects.filter(pk=hanoi.pk).update(state="published")  # much later
    built = build_minutes(campaign, "minutes:1")
    decisions = {s.unit.code: s.decision for s in built.context()["agenda"]}
    assert decisions["01"] == "Trả về thẩm định lại: Làm rõ lĩnh vực 6"
    assert decisions["T34-bac-ninh"] == "Chưa quyết định tại phiên họp"
