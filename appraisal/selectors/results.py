"""Reads for the year's results: what goes into the index of a level, from the appraised
submissions and the survey, and last year's published indices. A fixed handful of queries
whatever the number of units (aggregates are computed by the database)."""

from decimal import Decimal
from typing import Any

from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from appraisal.index import Component, LevelResults, UnitInput, compute_level
from appraisal.models import (
    Campaign,
    FrameworkNode,
    ScoreItem,
    Submission,
    SurveyResult,
    UnitResult,
)
from appraisal.models.choices import NodeKind, Ranked, ScoringMode
from appraisal.models.states import CampaignState, SubmissionState

ZERO = Decimal(0)
# the submissions whose results count: appraised (or published), not excluded
IN_RESULTS = (SubmissionState.APPRAISED, SubmissionState.PUBLISHED)


def _sum(field: str, condition: Q) -> Coalesce:
    return Coalesce(
        Sum(field, filter=condition),
        Value(ZERO),
        output_field=DecimalField(max_digits=12, decimal_places=4),
    )


# conditions on a report's score items (aggregated from the items' own table: no join)
APPRAISED = Q(applicable=True) & ~Q(scoring_mode=ScoringMode.SURVEY)
SURVEY = Q(applicable=True, scoring_mode=ScoringMode.SURVEY)
COUNTED = Q(is_deduction=False)


def scope(campaign: Campaign, level: str) -> QuerySet[Submission]:
    return Submission.objects.filter(
        campaign=campaign, level=level, state__in=IN_RESULTS, exclusion_reason=""
    )


def level_inputs(campaign: Campaign, level: str) -> list[UnitInput]:
    """One input per counted submission of the level, with its domain and criterion parts."""
    submissions = list(scope(campaign, level).select_related("unit").order_by("unit__code"))
    items = ScoreItem.objects.filter(submission__in=scope(campaign, level))
    # one row per report and domain, summed by the database
    by_domain = (
        items.values("submission_id", "domain_id")
        .order_by()
        .annotate(
            points=_sum("final_score", APPRAISED),
            maximum=_sum("max_points", APPRAISED & COUNTED),
            survey_max=_sum("max_points", SURVEY & COUNTED),
        )
    )
    # one row per report and criterion: a sub-criterion counts for its parent, a criterion
    # scored itself for itself
    criterion = Case(
        When(node__kind=NodeKind.CRITERION, then=F("node_id")),
        default=F("node__parent_id"),
    )
    by_criterion = (
        items.annotate(criterion=criterion)
        .values("submission_id", "criterion")
        .order_by()
        .annotate(
            points=_sum("final_score", APPRAISED),
            maximum=_sum("max_points", APPRAISED & COUNTED),
        )
    )
    nodes = {
        node.pk: node
        for node in FrameworkNode.objects.filter(
            framework_id__in={s.framework_id for s in submissions},
            kind__in=[NodeKind.DOMAIN, NodeKind.CRITERION],
        )
    }
    surveys = {
        row.unit_id: row
        for row in SurveyResult.objects.filter(
            campaign=campaign, unit__in=[s.unit_id for s in submissions]
        )
    }
    domains: dict[int, list[Any]] = {}
    for row in by_domain:
        domains.setdefault(row["submission_id"], []).append(row)
    criteria: dict[int, list[Any]] = {}
    for line in by_criterion:
        if line["criterion"] in nodes and nodes[line["criterion"]].kind == NodeKind.CRITERION:
            criteria.setdefault(line["submission_id"], []).append(line)
    inputs = []
    for submission in submissions:
        survey = surveys.get(submission.unit_id)
        survey_domains = survey.domains if survey else {}
        unit_domains, appraised, maximum = [], ZERO, ZERO
        for row in sorted(
            domains.get(submission.pk, []), key=lambda r: nodes[r["domain_id"]].position
        ):
            node = nodes[row["domain_id"]]
            points, domain_max = row["points"], row["maximum"]
            appraised += points
            maximum += domain_max + row["survey_max"]
            if node.code in survey_domains:  # the survey's part of the domain, when given
                points += Decimal(survey_domains[node.code])
                domain_max += row["survey_max"]
            unit_domains.append(
                Component(node.code, node.name_vi, node.name_en, points, domain_max)
            )
        unit_criteria = [
            Component(
                nodes[row["criterion"]].code,
                nodes[row["criterion"]].name_vi,
                nodes[row["criterion"]].name_en,
                row["points"],
                row["maximum"],
            )
            for row in sorted(
                criteria.get(submission.pk, []), key=lambda r: nodes[r["criterion"]].position
            )
            if row["maximum"]
        ]
        inputs.append(
            UnitInput(
                unit_id=submission.unit_id,
                code=submission.unit.code,
                name_vi=submission.unit.name_vi,
                name_en=submission.unit.name_en,
                region=submission.unit.region,
                ranked=submission.unit.ranked != Ranked.NO,
                appraisal_points=appraised,
                survey_points=survey.points if survey else ZERO,
                max_points=maximum,
                domains=unit_domains,
                criteria=unit_criteria,
            )
        )
    return inputs


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """The latest published year of the same program before this one."""
    return (
        Campaign.objects.filter(
            program_id=campaign.program_id,
            year__lt=campaign.year,
            state__in=[CampaignState.PUBLISHED, CampaignState.ARCHIVED],
        )
        .order_by("-year")
        .first()
    )


def previous_indices(campaign: Campaign, level: str) -> dict[int, Decimal]:
    previous = previous_campaign(campaign)
    if previous is None:
        return {}
    return dict(
        UnitResult.objects.filter(campaign=previous, level=level).values_list("unit_id", "index")
    )


def level_preview(campaign: Campaign, level: str) -> LevelResults:
    """The results of a level as they would be published now."""
    return compute_level(level_inputs(campaign, level), previous_indices(campaign, level))


def _components(parts: list[Component]) -> list[dict[str, Any]]:
    return [
        {
            "code": part.code,
            "name_vi": part.name_vi,
            "name_en": part.name_en,
            "points": str(part.points),
            "max": str(part.maximum),
        }
        for part in parts
    ]


def result_rows(campaign: Campaign, level: str, results: LevelResults) -> list[UnitResult]:
    """A level's computed results as the rows publication stores (unsaved)."""
    return [
        UnitResult(
            campaign=campaign,
            unit_id=result.unit.unit_id,
            level=level,
            appraisal_points=result.unit.appraisal_points,
            survey_points=result.unit.survey_points,
            total_points=result.total,
            max_points=result.unit.max_points,
            index=result.index.quantize(Decimal("0.00000001")),
            group=result.group,
            ranked=result.unit.ranked,
            rank=result.rank,
            previous_index=result.previous,
            components={
                "domains": _components(result.unit.domains),
                "criteria": _components(result.unit.criteria),
            },
        )
        for result in results.results
    ]
