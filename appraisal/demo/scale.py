"""`seed_demo --scale national|province`: ten years of a whole country's appraisals, for the
benchmarks of bench/ (issue 8). The reviews and queries are made in scale_reviews.py, the
evidence in scale_evidence.py.

What it builds, beside the ordinary demo:
- the national program (`scale-par`): every ministry and province of units.csv in scope each
  year (the 63 former provinces until 2024, the 34 of today from 2025), both sample frameworks;
- `--provinces` provincial programs (`scale-<province>`: 34 for `national`, 1 for
  `province`), each over `--units` generated departments and communes of that province
  (60 by default; five of its departments review the domains: Nội vụ, Tư pháp, Văn phòng
  UBND, Tài chính, Khoa học và Công nghệ);
- for each program, `--years` campaigns ending with this year: the past ones published (every
  report reviewed, appraised, surveyed, results stored), this year's under review (reports in
  every state from self-scoring to reviewed, reviews in every state, open queries);
- per report: a score item per sub-criterion with self, proposed and final scores as the year
  got, two evidence files per item on average (small generated PDFs, bound to the item), one
  query on one item in ten (question, answer, closing), the evidence manifest of submission,
  the reviews with their guardian grants, and the audit rows of every report transition;
- the people: a secretariat, a manager and a council chair per program, a coordinator and two
  reviewers per reviewing organisation, a focal point and a leader per unit (all with the
  demo password; usernames in the printed summary).

Campaigns and their units are made by the real services (`campaign_create`,
`campaign_add_units`); what the flows would then write one row at a time is written here in
bulk — the same rows, states and audit rows, with these differences, on purpose: the evidence
files are a pool of distinct generated PDFs shared between versions (4 million files would be
the disk, not the database, under test), the per-item score audit rows are not written, and no
notification or PDF is made (bench/pdfs.py measures those).
"""

import datetime
import time
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import (
    ExpressionWrapper,
    F,
    IntegerField,
    Value,
)
from django.db.models.functions import Cast, Mod, Round
from django.utils import timezone

from appraisal.demo.scale_base import (
    BATCH,
    LIVE_STATES,
    ORDER,
    PATH,
    POINTS,
    Built,
    People,
    S,
    at_least,
    chunks,
    every,
    propose,
)
from appraisal.demo.scale_evidence import evidence_pool, make_evidence
from appraisal.demo.scale_reviews import make_queries, make_reviews
from appraisal.demo.scale_units import make_people, national_plan, province_plan
from appraisal.models import (
    Campaign,
    DomainOwner,
    FrameworkNode,
    Organisation,
    ScoreItem,
    StageDeadline,
    Submission,
    SurveyResult,
)
from appraisal.models.choices import NodeKind, OrganisationKind, ScoringMode, Stage
from appraisal.models.states import CampaignState
from appraisal.selectors.results import level_preview
from appraisal.workdays import add_working_days, today, working_days_before
from workflow.audit import AuditRow, audit_records
from workflow.models import AuditKind
from workflow.services.campaigns import campaign_add_units, campaign_create
from workflow.services.results import results_store
from workflow.services.survey import survey_maxima
from workflow.statistics import analyses_deferred, every_table


def build(
    *,
    scale: str,
    years: int,
    provinces: int | None,
    units: int,
    password: str,
    say: Callable[[str], None] = print,
) -> Built:
    started = time.monotonic()
    built = Built()
    password_hash = make_password(password)
    pool = evidence_pool()
    last_year = timezone.localdate().year
    span = range(last_year - years + 1, last_year + 1)
    plans = []
    if scale == "national":
        plans.append(national_plan())
    chosen = list(
        Organisation.objects.filter(
            kind=OrganisationKind.PROVINCE, assessed=True, valid_to__isnull=True
        ).order_by("code")
    )
    count = provinces if provinces is not None else (len(chosen) if scale == "national" else 1)
    plans += [province_plan(province, units) for province in chosen[:count]]
    for make_program in plans:
        step = time.monotonic()
        program, frameworks, reviewing, in_scope = make_program()
        if program.campaigns.exists():
            say(f"{program.code}: already built, left as it is")
            continue
        everyone = {unit.pk: unit for year in span for unit in in_scope(year)}
        people = make_people(program, reviewing, list(everyone.values()), password_hash, built)
        # the planner's statistics, as the program's years leave the tables: every table once
        # at the program's end, the services' own analyses (a year's units) among them
        # (workflow/statistics.py)
        with analyses_deferred() as tables:
            tables.update(every_table())
            for year in span:
                with transaction.atomic():
                    _campaign_year(
                        program,
                        frameworks,
                        reviewing,
                        in_scope(year),
                        year,
                        span[-1],
                        people,
                        pool,
                        built,
                    )
        built.programs += 1
        say(
            f"{program.code}: {len(span)} years, {built.submissions} reports so far "
            f"({time.monotonic() - step:.1f} s)"
        )
    built.seconds = time.monotonic() - started
    return built


# Programs ----------------------------------------------------------------------------------


# People ------------------------------------------------------------------------------------


# One year ------------------------------------------------------------------------------------


def _deadlines(campaign: Campaign, live: bool) -> None:
    year = campaign.year
    if live:  # the review stage runs now: self-assessment over, council ahead
        now = today()
        spans = {
            Stage.SELF_ASSESSMENT: (working_days_before(now, 40), working_days_before(now, 10)),
            Stage.REVIEW: (working_days_before(now, 9), add_working_days(now, 10)),
            Stage.COUNCIL: (add_working_days(now, 11), add_working_days(now, 20)),
            Stage.PUBLICATION: (add_working_days(now, 21), add_working_days(now, 25)),
        }
    else:
        spans = {
            Stage.SELF_ASSESSMENT: (datetime.date(year, 9, 1), datetime.date(year, 10, 15)),
            Stage.REVIEW: (datetime.date(year, 10, 16), datetime.date(year, 11, 20)),
            Stage.COUNCIL: (datetime.date(year, 11, 21), datetime.date(year, 12, 10)),
            Stage.PUBLICATION: (datetime.date(year, 12, 11), datetime.date(year, 12, 31)),
        }
    StageDeadline.objects.bulk_create(
        [
            StageDeadline(campaign=campaign, stage=stage, starts_on=start, due_on=due)
            for stage, (start, due) in spans.items()
        ]
    )


def _campaign_year(
    program, frameworks, reviewing, units, year: int, last_year: int, people, pool, built: Built
) -> None:
    live = year == last_year
    campaign = campaign_create(
        program=program,
        year=year,
        name_vi=f"{program.name_vi} năm {year}",
        name_en=f"{program.name_en} {year}",
        frameworks=frameworks,
        actor=None,
    )
    _deadlines(campaign, live)
    campaign_add_units(campaign=campaign, units=units, actor=None)
    submissions = list(campaign.submissions.order_by("unit__code"))
    states: dict[int, str] = {
        s.pk: (LIVE_STATES[n % len(LIVE_STATES)] if live else S.PUBLISHED)
        for n, s in enumerate(submissions)
    }
    _route(campaign, frameworks, reviewing)
    _scores(campaign, states)
    built.documents += make_evidence(submissions, states, people, pool)
    reviews = make_reviews(campaign, submissions, states, frameworks, reviewing, people, live)
    built.reviews += len(reviews)
    built.queries += make_queries(campaign, reviews, people, live)
    _states(campaign, submissions, states, people, live, built)
    if live:
        Campaign.objects.filter(pk=campaign.pk).update(state=CampaignState.REVIEW)
    else:
        _publish(campaign, submissions)
    built.campaigns += 1
    built.submissions += len(submissions)
    built.items += ScoreItem.objects.filter(submission__campaign=campaign).count()


def _route(campaign, frameworks, reviewing) -> None:
    """Each domain goes to the reviewing organisation of its owner (provincial departments in
    a provincial program), as `campaign_route_domain` records it."""
    domains = FrameworkNode.objects.filter(
        framework__in=frameworks, kind=NodeKind.DOMAIN
    ).select_related("owner")
    DomainOwner.objects.bulk_create(
        [
            DomainOwner(campaign=campaign, domain=domain, organisation=reviewing[domain.owner.code])
            for domain in domains
            if domain.owner and reviewing[domain.owner.code].pk != domain.owner_id
        ]
    )


def _scores(campaign, states: dict[int, str]) -> None:
    """Self scores on every self-scored item (a third left blank while a report is still a
    draft); proposals once a report is reviewed (one in eight a tenth lower, with the
    reason); final scores once appraised. In batches of reports: bounded statements whose
    plan neither the statistics nor PostgreSQL's JIT can make explode."""
    for batch in chunks(list(states), BATCH):
        _score_batch({pk: states[pk] for pk in batch})


def _score_batch(states: dict[int, str]) -> None:
    items = ScoreItem.objects.filter(submission_id__in=list(states))
    drafts = [pk for pk, state in states.items() if state == S.DRAFT]
    spread = Cast(Mod(F("pk") * Value(7) + F("submission_id"), Value(6)), IntegerField())
    share = ExpressionWrapper(
        Value(Decimal("0.5")) + spread * Value(Decimal("0.1")), output_field=POINTS
    )
    scored = items.filter(scoring_mode=ScoringMode.SELF, is_deduction=False)
    blank = list(every(scored.filter(submission_id__in=drafts), 3).values_list("pk", flat=True))
    scored.exclude(pk__in=blank).update(
        self_score=Round(F("max_points") * share, 2, output_field=POINTS),
        explanation=Value(
            "Đơn vị đã thực hiện đầy đủ theo kế hoạch; chi tiết tại tài liệu kiểm chứng."
        ),
    )
    items.filter(scoring_mode=ScoringMode.SELF, is_deduction=True).update(self_score=Value(0))
    proposals = items.filter(submission_id__in=at_least(states, S.REVIEWED))
    propose(proposals)
    items.filter(submission_id__in=at_least(states, S.APPRAISED)).exclude(
        scoring_mode=ScoringMode.SURVEY
    ).update(final_score=F("review_score"))


# Evidence ------------------------------------------------------------------------------------


# Reviews and queries ---------------------------------------------------------------------------


# States, audit, publication ---------------------------------------------------------------------


def _states(campaign, submissions, states, people: People, live: bool, built: Built) -> None:
    """Each report in its state, with the audit row of every transition that took it there."""
    actors = {
        "send_for_approval": lambda s: people.focal[s.unit_id],
        "approve": lambda s: people.leader[s.unit_id],
        "start_review": lambda s: people.secretariat,
        "finish_review": lambda s: None,
        "send_to_council": lambda s: people.secretariat,
        "appraise": lambda s: people.secretariat,
        "publish": lambda s: None,
    }
    submitted_at = (
        timezone.now()
        if live
        else timezone.make_aware(datetime.datetime(campaign.year, 10, 10, 9, 0))
    )
    rows = []
    for target in set(states.values()):
        chosen = [pk for pk, s in states.items() if s == target]
        Submission.objects.filter(pk__in=chosen).update(
            state=target,
            submitted_at=submitted_at if ORDER.index(target) >= ORDER.index(S.SUBMITTED) else None,
        )
    for submission in submissions:
        reached = ORDER.index(states[submission.pk])
        for name, source, target, stage in PATH[:reached]:
            rows.append(
                AuditRow(
                    kind=AuditKind.TRANSITION,
                    actor=actors[name](submission),
                    program_id=campaign.program_id,
                    submission_id=submission.pk,
                    obj_type="submission",
                    obj_id=submission.pk,
                    action=name,
                    from_state=source,
                    to_state=target,
                    stage=stage,
                )
            )
    audit_records(rows)
    built.audit_rows += len(rows)


def _publish(campaign, submissions) -> None:
    """Survey points for every unit, the results stored as publication stores them."""
    maxima = survey_maxima(campaign)
    SurveyResult.objects.bulk_create(
        [
            SurveyResult(
                campaign=campaign,
                unit_id=submission.unit_id,
                points=(
                    maxima[submission.level][0]
                    * Decimal(70 + (submission.unit_id * 7 + campaign.year) % 25)
                    / 100
                ).quantize(Decimal("0.01")),
            )
            for submission in submissions
        ]
    )
    for level in {submission.level for submission in submissions}:
        results_store(campaign=campaign, level=level, results=level_preview(campaign, level))
    Campaign.objects.filter(pk=campaign.pk).update(
        state=CampaignState.PUBLISHED,
        published_at=timezone.make_aware(datetime.datetime(campaign.year, 12, 28, 9, 0)),
    )
