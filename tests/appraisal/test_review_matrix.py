"""The matrix's deadline filters: a cell is late, due soon or on time by the review's own
clock (its granted deadline, pushed back by the days it waited on the unit), and a row is
shown when one of its cells matches — read from the few reviews that can match, not from
every review of the campaign."""

import datetime

import pytest
from django.urls import reverse

from appraisal.models import DomainReview, StageDeadline
from appraisal.selectors.review_matrix import Filters, review_matrix
from appraisal.workdays import today
from tests.conftest import reviews_started

pytestmark = pytest.mark.django_db


@pytest.fixture
def clocks(cast, campaign, bac_ninh, justice):
    reviews_started([bac_ninh, justice], cast["secretariat"])
    on = today()
    StageDeadline.objects.filter(campaign=campaign, stage="review").update(
        due_on=on + datetime.timedelta(days=60)
    )
    reviews = DomainReview.objects.filter(submission__campaign=campaign)
    late = reviews.filter(submission=bac_ninh).order_by("domain__position").first()
    late.due_override = on - datetime.timedelta(days=3)
    late.save()
    # as late on paper, but it waited on the unit for 20 working days: not late
    waited = reviews.filter(submission=justice).order_by("domain__position").first()
    waited.due_override, waited.paused_days = on - datetime.timedelta(days=3), 20
    waited.save()
    soon = reviews.filter(submission=justice).order_by("domain__position")[1]
    soon.due_override = on + datetime.timedelta(days=2)
    soon.save()
    return late, waited, soon


def rows(campaign, **filters) -> list[str]:
    matrix = review_matrix(campaign, Filters(**filters))
    return [row.submission.unit.code for row in matrix.rows]


def test_late_due_soon_and_on_time_follow_each_reviews_clock(campaign, clocks):
    late, waited, soon = clocks
    assert rows(campaign, lateness="late") == ["T34-bac-ninh"]
    assert rows(campaign, lateness="due_soon") == ["BTP"]
    assert sorted(rows(campaign, lateness="on_time")) == ["BTP", "T34-bac-ninh"]
    matrix = review_matrix(campaign, Filters(lateness="late"))
    assert matrix.counts["late"] == 1
    selected = [cell.pk for row in matrix.rows for cell in row.cells if cell and cell.selected]
    assert selected == [late.pk]
    # filters combine on the same cell: the late cell is its organisation's, no one else's
    other = DomainReview.objects.exclude(organisation=late.organisation).first().organisation_id
    assert rows(campaign, lateness="late", organisation_id=other) == []
    assert rows(campaign, lateness="late", organisation_id=late.organisation_id) == ["T34-bac-ninh"]
    # a completed review is never late
    DomainReview.objects.filter(pk=late.pk).update(state="completed")
    assert rows(campaign, lateness="late") == []


def test_the_page_marks_the_late_cell(client, cast, campaign, clocks):
    late, _waited, _soon = clocks
    client.force_login(cast["secretariat"])
    body = client.get(
        reverse("review_matrix", args=[campaign.pk]), {"lateness": "late"}
    ).content.decode()
    assert f'id="cell-{late.pk}"' in body
    assert "quá hạn" in body
    assert "Quá hạn: 1" in body
