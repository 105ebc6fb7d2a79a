"""Where a deadline stands: on time, due soon (within DUE_SOON_WORKING_DAYS working days),
or overdue — and the deadline of a unit's stage, its own extension included."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from appraisal.models import StageDeadline, Submission, SubmissionDeadline
from appraisal.workdays import today, working_days_between

ON_TIME, DUE_SOON, OVERDUE = "on_time", "due_soon", "overdue"
LABELS = {ON_TIME: _("Trong hạn"), DUE_SOON: _("Sắp đến hạn"), OVERDUE: _("Quá hạn")}


def status(due: datetime.date | None, on: datetime.date | None = None) -> str | None:
    if due is None:
        return None
    on = on or today()
    if on > due:
        return OVERDUE
    if working_days_between(on, due) <= settings.DUE_SOON_WORKING_DAYS:
        return DUE_SOON
    return ON_TIME


@dataclass
class UnitDeadlines:
    """The deadline rule, read once for many reports: a unit's own deadline for a stage (an
    extension granted to it), else its campaign's deadline for the stage."""

    campaign: dict[tuple[int, str], datetime.date]
    own: dict[tuple[int, str], datetime.date]

    def due(self, submission: Submission, stage: str) -> datetime.date | None:
        return self.own.get((submission.pk, stage)) or self.campaign_due(
            submission.campaign_id, stage
        )

    def campaign_due(self, campaign_id: int, stage: str) -> datetime.date | None:
        return self.campaign.get((campaign_id, stage))


def unit_deadlines(
    *,
    campaign_ids: Iterable[int] | None = None,
    submission_ids: Iterable[int] | None = None,
    stage: str | None = None,
) -> UnitDeadlines:
    """The deadlines of the given campaigns and reports (all when not given), of one stage or
    of every stage: two queries whatever their number."""
    campaigns = StageDeadline.objects.all()
    own = SubmissionDeadline.objects.all()
    if campaign_ids is not None:
        ids = list(campaign_ids)
        campaigns = campaigns.filter(campaign_id__in=ids)
        own = own.filter(submission__campaign_id__in=ids)
    if submission_ids is not None:
        own = own.filter(submission_id__in=list(submission_ids))
    if stage is not None:
        campaigns, own = campaigns.filter(stage=stage), own.filter(stage=stage)
    return UnitDeadlines(
        campaign={
            (row[0], row[1]): row[2]
            for row in campaigns.values_list("campaign_id", "stage", "due_on")
        },
        own={
            (row[0], row[1]): row[2] for row in own.values_list("submission_id", "stage", "due_on")
        },
    )


def stage_due(submission: Submission, stage: str) -> datetime.date | None:
    """The unit's deadline for a stage: its extension, else the campaign's."""
    deadlines = unit_deadlines(
        campaign_ids=[submission.campaign_id], submission_ids=[submission.pk], stage=stage
    )
    return deadlines.due(submission, stage)
