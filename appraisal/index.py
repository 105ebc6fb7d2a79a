"""The PAR Index of one level (DOMAIN.md §3), computed from unrounded decimals.

- total = appraised points (final scores of self and central items) + survey points;
- index (%) = total ÷ maximum of the applicable items × 100; the same ratio gives the
  component index of each domain and criterion;
- values are rounded only to be shown: two decimals, half up;
- groups follow the shown index (so that a unit shown at 90,00 is in group A): A ≥ 90,
  B ≥ 80, C ≥ 70, D below;
- ranks are within a level, among ranked units, by the shown index; equal shown indices
  share a rank (1, 2, 2, 4); units assessed but not ranked are listed apart;
- the change against last year compares shown indices of the same unit; a unit formed by a
  merger (or otherwise absent last year) is "new" and has no change.

Pure functions over plain data: the same code serves the live preview, publication and the
import of past years' results.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
GROUPS = ((Decimal(90), "A"), (Decimal(80), "B"), (Decimal(70), "C"))


def shown(value: Decimal) -> Decimal:
    """A value as published: two decimals, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(points: Decimal, maximum: Decimal) -> Decimal | None:
    return percent(points, maximum) if maximum else None


def percent(points: Decimal, maximum: Decimal) -> Decimal:
    """`points` out of a positive `maximum`, on 100."""
    return points / maximum * HUNDRED


def group_of(index: Decimal) -> str:
    value = shown(index)
    return next((name for floor, name in GROUPS if value >= floor), "D")


@dataclass(slots=True)
class Component:
    """A domain's or criterion's part of a unit's result."""

    code: str
    name_vi: str
    name_en: str
    points: Decimal
    maximum: Decimal

    @property
    def index(self) -> Decimal | None:
        return ratio(self.points, self.maximum)


@dataclass
class UnitInput:
    unit_id: int
    code: str
    name_vi: str
    name_en: str
    region: str
    ranked: bool
    appraisal_points: Decimal
    survey_points: Decimal
    max_points: Decimal
    domains: list[Component] = field(default_factory=list)
    criteria: list[Component] = field(default_factory=list)


@dataclass
class UnitResult:
    unit: UnitInput
    total: Decimal
    index: Decimal
    group: str
    rank: int | None = None
    previous: Decimal | None = None  # last year's index, when the unit had one

    @property
    def index_shown(self) -> Decimal:
        return shown(self.index)

    @property
    def new_unit(self) -> bool:
        return self.previous is None

    @property
    def change(self) -> Decimal | None:
        """Shown index minus last year's shown index (what a reader would compute)."""
        if self.previous is None:
            return None
        return self.index_shown - shown(self.previous)


@dataclass
class LevelResults:
    results: list[UnitResult]  # ranked units by rank, then the others by name
    average: Decimal | None  # of the ranked units' indices
    above_average: int
    region_averages: dict[str, Decimal]
    domain_averages: dict[str, Decimal]

    @property
    def ranked(self) -> list[UnitResult]:
        return [r for r in self.results if r.rank is not None]

    @property
    def not_ranked(self) -> list[UnitResult]:
        return [r for r in self.results if r.rank is None]


def mean(values: list[Decimal]) -> Decimal | None:
    return mean_of(values) if values else None


def mean_of(values: list[Decimal]) -> Decimal:
    """The mean of a list that is not empty."""
    return sum(values, Decimal(0)) / len(values)


def compute_level(units: list[UnitInput], previous: dict[int, Decimal]) -> LevelResults:
    """Index, group and rank of every unit of one level; `previous` maps a unit id to its
    index of last year (units absent from it are new)."""
    results = []
    for unit in units:
        if unit.max_points <= 0:
            raise ValueError(f"{unit.code}: the maximum of applicable items is not positive")
        total = unit.appraisal_points + unit.survey_points
        index = percent(total, unit.max_points)
        results.append(
            UnitResult(
                unit=unit,
                total=total,
                index=index,
                group=group_of(index),
                previous=previous.get(unit.unit_id),
            )
        )
    ranked = sorted(
        (r for r in results if r.unit.ranked), key=lambda r: (-r.index_shown, r.unit.code)
    )
    last_value, last_rank = None, 0
    for position, result in enumerate(ranked, start=1):
        if result.index_shown != last_value:
            last_value, last_rank = result.index_shown, position
        result.rank = last_rank
    others = sorted((r for r in results if not r.unit.ranked), key=lambda r: r.unit.code)
    average = mean([r.index for r in ranked])
    regions: dict[str, list[Decimal]] = {}
    for result in ranked:
        if result.unit.region:
            regions.setdefault(result.unit.region, []).append(result.index)
    domains: dict[str, list[Decimal]] = {}
    for result in results:
        for component in result.unit.domains:
            if component.index is not None:
                domains.setdefault(component.code, []).append(component.index)
    return LevelResults(
        results=ranked + others,
        average=average,
        above_average=sum(1 for r in ranked if average is not None and r.index > average),
        region_averages={region: mean_of(values) for region, values in sorted(regions.items())},
        domain_averages={code: mean_of(values) for code, values in domains.items()},
    )
