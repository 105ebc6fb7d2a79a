"""Where a deadline stands: on time, due soon (within DUE_SOON_WORKING_DAYS working days),
or overdue — and the deadline of a unit's stage, its own extension included."""

import datetime

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


def stage_due(submission: Submission, stage: str) -> datetime.date | None:
    """The unit's deadline for a stage: its extension, else the campaign's."""
    own = SubmissionDeadline.objects.filter(submission=submission, stage=stage).first()
    if own is not None:
        return own.due_on
    deadline = StageDeadline.objects.filter(campaign_id=submission.campaign_id, stage=stage).first()
    return deadline.due_on if deadline else None
