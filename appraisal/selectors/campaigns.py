"""Campaigns as lists show them, the units a new year would take, and the dates its stages
would have."""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from appraisal.models import (
    Campaign,
    Organisation,
    Program,
    Submission,
)
from appraisal.models.choices import OrganisationKind, Stage
from appraisal.models.states import SubmissionState
from appraisal.workdays import add_working_days, is_working_day


def campaigns_with_counts(campaigns: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """Campaigns with their submission counts by progress, in one query."""
    submitted = ~Q(submissions__state__in=[SubmissionState.DRAFT, SubmissionState.PENDING_APPROVAL])
    return campaigns.annotate(
        submission_count=Count("submissions", distinct=True),
        submitted_count=Count("submissions", filter=submitted, distinct=True),
    )


def state_counts(submissions: QuerySet[Submission]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for row in submissions.order_by().values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    return dict(counts)


# the stages whose length is set in working days when a campaign is created, in order
STAGE_DAYS_DEFAULT = {
    Stage.SELF_ASSESSMENT: 20,
    Stage.REVIEW: 15,
    Stage.COUNCIL: 10,
    Stage.PUBLICATION: 10,
}


def campaign_candidates(program: Program, level: str, year: int) -> list[Organisation]:
    """The units a campaign of `program` may put in scope at `level`: assessed, existing at
    the year's end; ministries and provinces for a national program, the owner's own
    departments and communes for a province's or ministry's program."""
    units = Organisation.objects.filter(kind=level, assessed=True)
    if level in (OrganisationKind.MINISTRY, OrganisationKind.PROVINCE):
        units = units.filter(parent__isnull=True)
    else:
        units = units.filter(parent_id=program.owner_id)
    year_end = datetime.date(year, 12, 31)
    return [unit for unit in units.order_by("code") if unit.is_valid_on(year_end)]


def stage_dates(
    starts_on: datetime.date, days: dict[str, int]
) -> dict[str, tuple[datetime.date, datetime.date]]:
    """Each stage's first day and deadline: the stages follow each other, each lasting its
    number of working days (the first starting on `starts_on`)."""
    dates: dict[str, tuple[datetime.date, datetime.date]] = {}
    start = starts_on
    for stage in STAGE_DAYS_DEFAULT:
        length = days[stage]
        if not 1 <= length <= 250:
            raise ValidationError(
                _("Thời gian giai đoạn “%(stage)s” phải từ 1 đến 250 ngày làm việc.")
                % {"stage": Stage(stage).label}
            )
        # a stage lasting n working days from a working day ends n-1 working days later
        first = start if is_working_day(start) else add_working_days(start, 1)
        due = add_working_days(first, length - 1)
        dates[stage] = (start, due)
        start = add_working_days(due, 1)
    return dates
