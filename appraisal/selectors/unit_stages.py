"""Where each report stands in the campaign's stages: done, or on time, due soon or overdue
in its current stage (its own deadline when it was granted one), and how far a report still
in self-assessment has scored. For a page of reports at a time."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from appraisal.models import ScoreItem, Submission
from appraisal.models.choices import ScoringMode, Stage
from appraisal.models.states import SubmissionState
from appraisal.selectors.deadlines import UnitDeadlines, status

S = SubmissionState

# the stage a report is in, by its state, and the states that have passed each stage
STAGE_OF: dict[str, str | None] = {
    S.DRAFT: Stage.SELF_ASSESSMENT,
    S.PENDING_APPROVAL: Stage.SELF_ASSESSMENT,
    S.SUBMITTED: Stage.REVIEW,
    S.UNDER_REVIEW: Stage.REVIEW,
    S.REVIEWED: Stage.COUNCIL,
    S.IN_COUNCIL: Stage.COUNCIL,
    S.APPRAISED: Stage.PUBLICATION,
    S.PUBLISHED: None,
}
STAGES: list[str] = [Stage.SELF_ASSESSMENT, Stage.REVIEW, Stage.COUNCIL, Stage.PUBLICATION]
DONE = "done"


@dataclass
class UnitRow:
    submission: Submission
    cells: list[tuple[str, str | None, datetime.date | None]]  # (stage, status or "done", due)
    # in self-assessment: the share of its self-scored items the unit has scored
    percent: int | None = None


def unit_rows(
    submissions: list[Submission], deadlines: UnitDeadlines, on: datetime.date
) -> list[UnitRow]:
    """Each report's stages with their deadline status, and how far a report still in
    self-assessment has scored: one query for the progress."""
    progress = {
        row["submission_id"]: row
        for row in ScoreItem.objects.filter(
            submission_id__in=[
                s.pk for s in submissions if s.state in (S.DRAFT, S.PENDING_APPROVAL)
            ],
            scoring_mode=ScoringMode.SELF,
            applicable=True,
        )
        .values("submission_id")
        .annotate(total=Count("id"), scored=Count("id", filter=Q(self_score__isnull=False)))
        .order_by()
    }
    rows = []
    for submission in submissions:
        current = STAGE_OF.get(submission.state)
        passed = True
        cells: list[tuple[str, str | None, datetime.date | None]] = []
        for stage in STAGES:
            due = deadlines.due(submission, stage)
            if current is None or (passed and stage != current):
                cells.append((stage, DONE, due))
                continue
            if stage == current:
                cells.append((stage, status(due, on), due))
                passed = False
            else:
                cells.append((stage, None, due))
        done = progress.get(submission.pk)
        percent = None
        if submission.state in (S.DRAFT, S.PENDING_APPROVAL):
            percent = (
                100
                if not done or not done["total"]
                # floor: a unit with one item left is not shown as done
                else (100 * done["scored"]) // done["total"]
            )
        rows.append(UnitRow(submission, cells, percent))
    return rows
