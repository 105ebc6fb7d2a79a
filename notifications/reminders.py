"""Reminders before deadlines and escalations after them, run by a django-q2 schedule.

Before a deadline a reminder goes when it is REMINDER_OFFSETS working days away (5, 2, 1);
after it, escalation climbs one level at ESCALATION_AFTER working days late (1, 3, 5): the
unit's leader or the ministry's coordinator, then the secretariat, then the managers.

Each step of each deadline has a key in `ReminderLog`, written with the message in one
transaction: however often the scan runs it is sent once, and after a night the worker was
down only the latest step due is sent (the earlier ones are passed over), never a flood.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from appraisal.models import (
    DomainReview,
    Query,
    Submission,
)
from appraisal.models.choices import Role, Stage
from appraisal.models.states import CampaignState, DomainReviewState, QueryState, SubmissionState
from appraisal.selectors.deadlines import unit_deadlines
from appraisal.selectors.reviews import review_stage_due
from appraisal.selectors.roles import RoleHolders
from appraisal.workdays import today, working_days_between
from notifications.models import ReminderLog
from notifications.services import notify_many

ESCALATION_AFTER = (1, 3, 5)


@dataclass
class Deadline:
    key: str
    due: datetime.date
    title: str
    url_name: str
    url_args: tuple
    remind: list  # who is reminded before
    levels: tuple  # who is told at each escalation level


# the roles reminders reach, read once per scan (not once per deadline)
REMINDED = (Role.FOCAL_POINT, Role.LEADER, Role.COORDINATOR, Role.SECRETARIAT, Role.MANAGER)


def _unit_deadline(
    people: RoleHolders, submission: Submission, *, key: str, due, title: str, url: tuple
) -> Deadline:
    """A deadline the unit must meet: its people are reminded, then its leader, the
    secretariat and the managers are told it is late."""
    program = submission.campaign.program_id
    return Deadline(
        key=key,
        due=due,
        title=title,
        url_name=url[0],
        url_args=url[1],
        remind=people(program, [Role.FOCAL_POINT, Role.LEADER], submission.unit_id),
        levels=(
            people(program, [Role.LEADER], submission.unit_id),
            people(program, [Role.SECRETARIAT]),
            people(program, [Role.MANAGER]),
        ),
    )


def deadlines(on: datetime.date) -> list[Deadline]:
    """Every open deadline: self-assessments, domain reviews (not while paused), queries."""
    people = RoleHolders(REMINDED)
    out = []
    # the deadline rule: a unit may still send after the campaign moved on while its own
    # deadline runs, so it is still reminded (and not chased once it no longer can)
    drafts = Submission.objects.filter(
        state__in=[SubmissionState.DRAFT, SubmissionState.PENDING_APPROVAL],
        campaign__state__in=[
            CampaignState.SELF_ASSESSMENT,
            CampaignState.REVIEW,
            CampaignState.COUNCIL,
        ],
    ).select_related("unit", "campaign")
    deadlines = unit_deadlines(stage=Stage.SELF_ASSESSMENT)
    for submission in drafts:
        due = deadlines.due(submission, Stage.SELF_ASSESSMENT)
        if due is None:
            continue
        if submission.campaign.state != CampaignState.SELF_ASSESSMENT and due < on:
            continue
        out.append(
            _unit_deadline(
                people,
                submission,
                key=f"submission:{submission.pk}",
                due=due,
                title=f"{_('Tự đánh giá')} — {submission.unit.name_vi}",
                url=("submission_detail", (submission.pk,)),
            )
        )
    reviews = list(
        DomainReview.objects.filter(
            state__in=[
                DomainReviewState.PENDING,
                DomainReviewState.ASSIGNED,
                DomainReviewState.IN_PROGRESS,
            ]
        ).select_related("submission__unit", "submission__campaign", "domain", "reviewer")
    )
    review_due = review_stage_due({r.submission.campaign_id for r in reviews})
    for review in reviews:
        due = review.due_on(review_due.get(review.submission.campaign_id), on)
        if due is None:
            continue
        program = review.submission.campaign.program_id
        coordinators = people(program, [Role.COORDINATOR], review.organisation_id)
        out.append(
            Deadline(
                key=f"review:{review.pk}",
                due=due,
                title=f"{_('Thẩm định')} — {review.submission.unit.name_vi} — {review.domain.code}",
                url_name="review_detail",
                url_args=(review.pk,),
                remind=[review.reviewer] if review.reviewer else coordinators,
                levels=(
                    coordinators,
                    people(program, [Role.SECRETARIAT]),
                    people(program, [Role.MANAGER]),
                ),
            )
        )
    for query in Query.objects.filter(state=QueryState.OPEN).select_related(
        "review__submission__unit", "review__submission__campaign", "review__domain"
    ):
        submission = query.review.submission
        out.append(
            _unit_deadline(
                people,
                submission,
                key=f"query:{query.pk}",
                due=query.due_on,
                title=f"{_('Trả lời yêu cầu giải trình')} — {submission.unit.name_vi} — {query.review.domain.code}",
                url=("query_detail", (query.pk,)),
            )
        )
    return out


def _step(deadline: Deadline, on: datetime.date) -> tuple[str, list, str] | None:
    """The step due today, if any: (its key, who is told, the kind of message)."""
    offsets = sorted(set(settings.REMINDER_OFFSETS))
    if on <= deadline.due:
        left = working_days_between(on, deadline.due)
        reached = [offset for offset in offsets if offset >= left]
        if not reached:
            return None
        offset = min(reached)
        return f"{deadline.key}:{deadline.due}:r{offset}", deadline.remind, "deadline_reminder"
    late = working_days_between(deadline.due, on)
    levels = [level for level, days in enumerate(ESCALATION_AFTER) if late >= days]
    if not levels:
        return None
    level = max(levels)
    return (
        f"{deadline.key}:{deadline.due}:e{level + 1}",
        deadline.levels[level],
        "deadline_escalation",
    )


def scan(on: datetime.date | None = None) -> int:
    """Send what is due today and not sent yet. Returns how many people were told."""
    on = on or today()
    told = 0
    for deadline in deadlines(on):
        step = _step(deadline, on)
        if step is None:
            continue
        key, users, kind = step
        try:
            with transaction.atomic():
                log = ReminderLog.objects.create(key=key[:120])
                count = notify_many(
                    users,
                    kind=kind,
                    title=f"{deadline.title} ({deadline.due:%d/%m/%Y})",
                    url_name=deadline.url_name,
                    url_args=deadline.url_args,
                )
                log.recipients = count
                log.save(update_fields=["recipients"])
        except IntegrityError:
            continue  # sent already, by this scan's twin or an earlier run
        told += count
    return told
