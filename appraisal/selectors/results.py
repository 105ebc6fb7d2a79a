"""Reads for the year's results: what goes into the index of a level, from the appraised
submissions and the survey, and last year's published indices. A fixed handful of queries
whatever the number of units (aggregates are computed by the database)."""

from collections.abc import Iterable
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


def level_totals(campaign: Campaign, level: str) -> list[UnitInput]:
    """One input per counted submission of the level with its totals only, no parts: what
    the results preview shows (index, group, rank), from one sum per report."""
    submissions = list(scope(campaign, level).select_related("unit").order_by("unit__code"))
    sums = {
        submission_id: (points, maximum)
        for submission_id, points, maximum in ScoreItem.objects.filter(
            submission__in=scope(campaign, level)
        )
        .values("submission_id")
        .order_by()
        .annotate(
            points=_sum("final_score", APPRAISED),
            maximum=_sum("max_points", Q(applicable=True) & COUNTED),
        )
        .values_list("submission_id", "points", "maximum")
    }
    surveys = dict(SurveyResult.objects.filter(campaign=campaign).values_list("unit_id", "points"))
    return [
        _input(submission, *sums.get(submission.pk, (ZERO, ZERO)), surveys.get(submission.unit_id))
        for submission in submissions
    ]


def _input(
    submission: Submission,
    appraised: Decimal,
    maximum: Decimal,
    survey: Decimal | None,
    domains: Iterable[Component] = (),
    criteria: Iterable[Component] = (),
) -> UnitInput:
    return UnitInput(
        unit_id=submission.unit_id,
        code=submission.unit.code,
        name_vi=submission.unit.name_vi,
        name_en=submission.unit.name_en,
        region=submission.unit.region,
        ranked=submission.unit.ranked != Ranked.NO,
        appraisal_points=appraised,
        survey_points=survey if survey is not None else ZERO,
        max_points=maximum,
        domains=list(domains),
        criteria=list(criteria),
    )


def level_inputs(campaign: Campaign, level: str) -> list[UnitInput]:
    """One input per counted submission of the level, with its domain and criterion parts.

    One grouped query reads every report's sums per criterion (a sub-criterion counts for its
    parent, a criterion scored itself for itself), with the criterion's domain; the domains
    are the sums of their criteria, added here. Rows as plain tuples: at 2,100 units that is
    77,700 of them, and building a dict per row cost more than the arithmetic."""
    submissions = list(scope(campaign, level).select_related("unit").order_by("unit__code"))
    criterion = Case(
        When(node__kind=NodeKind.CRITERION, then=F("node_id")),
        default=F("node__parent_id"),
    )
    sums = (
        ScoreItem.objects.filter(submission__in=scope(campaign, level))
        .annotate(criterion=criterion)
        .values("submission_id", "domain_id", "criterion")
        .order_by()
        .annotate(
            points=_sum("final_score", APPRAISED),
            maximum=_sum("max_points", APPRAISED & COUNTED),
            survey_max=_sum("max_points", SURVEY & COUNTED),
        )
        .values_list("submission_id", "domain_id", "criterion", "points", "maximum", "survey_max")
    )
    nodes = {
        node.pk: node
        for node in FrameworkNode.objects.filter(
            framework_id__in={s.framework_id for s in submissions},
            kind__in=[NodeKind.DOMAIN, NodeKind.CRITERION],
        )
    }
    # the campaign's survey points (a list of 2,100 unit ids cost more to send than to read)
    surveys = {row.unit_id: row for row in SurveyResult.objects.filter(campaign=campaign)}
    # report → domain → [points, maximum, survey maximum]; report → [(criterion, points, max)]
    domains: dict[int, dict[int, list[Decimal]]] = {}
    criteria: dict[int, list[tuple[FrameworkNode, Decimal, Decimal]]] = {}
    is_criterion = {pk for pk, node in nodes.items() if node.kind == NodeKind.CRITERION}
    for submission_id, domain_id, criterion_id, points, maximum, survey_max in sums:
        total = domains.setdefault(submission_id, {}).setdefault(domain_id, [ZERO, ZERO, ZERO])
        total[0] += points
        total[1] += maximum
        total[2] += survey_max
        if criterion_id in is_criterion and maximum:
            criteria.setdefault(submission_id, []).append((nodes[criterion_id], points, maximum))
    inputs = []
    for submission in submissions:
        survey = surveys.get(submission.unit_id)
        survey_domains = survey.domains if survey else {}
        unit_domains, appraised, maximum = [], ZERO, ZERO
        own = domains.get(submission.pk, {})
        for domain_id in sorted(own, key=lambda pk: nodes[pk].position):
            node = nodes[domain_id]
            points, domain_max, survey_max = own[domain_id]
            appraised += points
            maximum += domain_max + survey_max
            if node.code in survey_domains:  # the survey's part of the domain, when given
                points += Decimal(survey_domains[node.code])
                domain_max += survey_max
            unit_domains.append(
                Component(node.code, node.name_vi, node.name_en, points, domain_max)
            )
        unit_criteria = [
            Component(node.code, node.name_vi, node.name_en, points, node_max)
            for node, points, node_max in sorted(
                criteria.get(submission.pk, []), key=lambda row: row[0].position
            )
        ]
        inputs.append(
            _input(
                submission,
                appraised,
                maximum,
                survey.points if survey else None,
                unit_domains,
                unit_criteria,
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


def level_preview(campaign: Campaign, level: str, parts: bool = True) -> LevelResults:
    """The results of a level as they would be published now; without the domain and
    criterion `parts` (the preview page does not show them), from one sum per report."""
    inputs = level_inputs(campaign, level) if parts else level_totals(campaign, level)
    return compute_level(inputs, previous_indices(campaign, level))


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
