"""Published results as the public sees them: read from the stored snapshot
(`UnitResult`), never recomputed. Nothing of a year is public before it is published."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Max, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from appraisal.imports.tables import spreadsheet_safe
from appraisal.index import mean, mean_of, shown
from appraisal.models import Campaign, Program, UnitResult
from appraisal.models.choices import Level, Region
from appraisal.models.states import CampaignState
from documents.models import CampaignDocument

PUBLIC_STATES = (CampaignState.PUBLISHED, CampaignState.ARCHIVED)


def published_campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.filter(state__in=PUBLIC_STATES).select_related("program")


def get_published(program_code: str, year: int) -> Campaign:
    campaign = published_campaigns().filter(program__code=program_code, year=year).first()
    if campaign is None:
        raise Http404
    return campaign


@dataclass
class Row:
    result: UnitResult
    year: int = 0

    @property
    def name(self) -> str:
        """The unit's name in the year of the result (a renamed unit keeps its former one)."""
        return self.result.unit.name_in(self.year)

    @property
    def name_vi(self) -> str:
        return self.result.unit.name_in(self.year, "vi")

    @property
    def index(self) -> Decimal:
        return shown(self.result.index)

    @property
    def change(self) -> Decimal | None:
        if self.result.previous_index is None:
            return None
        return self.index - shown(self.result.previous_index)

    @property
    def domains(self) -> list[dict[str, Any]]:
        return [
            {**part, "index": _index(part)} for part in self.result.components.get("domains", [])
        ]

    @property
    def criteria(self) -> list[dict[str, Any]]:
        return [
            {**part, "index": _index(part)} for part in self.result.components.get("criteria", [])
        ]


def _index(part: dict[str, Any]) -> Decimal | None:
    maximum = Decimal(part["max"])
    return shown(Decimal(part["points"]) / maximum * 100) if maximum else None


@dataclass
class PublishedLevel:
    level: str
    label: str
    rows: list[Row]
    average: Decimal | None = None
    above_average: int = 0
    regions: list[tuple[str, Decimal]] = field(default_factory=list)
    domains: list[tuple[str, str, Decimal]] = field(default_factory=list)
    groups: dict[str, int] = field(default_factory=dict)
    # drawn by the pages and the PDFs that show the level (appraisal/charts.py)
    ranking_chart: str = ""
    domain_chart: str = ""
    group_chart: str = ""
    # how many units, the first and the last ranked (kept when `rows` is not: summaries)
    count: int = 0
    top: Row | None = None
    bottom: Row | None = None
    # the public page's page of the level, ranked and not
    page: Any = None
    page_ranked: list[Row] = field(default_factory=list)
    page_unranked: list[Row] = field(default_factory=list)

    @property
    def ranked(self) -> list[Row]:
        return [row for row in self.rows if row.result.rank is not None]

    @property
    def not_ranked(self) -> list[Row]:
        return [row for row in self.rows if row.result.rank is None]


def published_levels(campaign: Campaign) -> list[PublishedLevel]:
    """Every level of a published year, its ranking and aggregates: two queries (the
    results, the former names of renamed units)."""
    results = (
        UnitResult.objects.filter(campaign=campaign)
        .select_related("unit")
        .prefetch_related("unit__former_names")
        .order_by("level", "rank", "unit__code")
    )
    return levels_of(results, campaign.year)


def levels_of(results: Iterable[UnitResult], year: int) -> list[PublishedLevel]:
    """Levels, rankings and aggregates of results ordered by level and rank: stored ones,
    or a draft's computed now (their units loaded with their former names)."""
    by_level: dict[str, list[Row]] = {}
    for result in results:
        by_level.setdefault(result.level, []).append(Row(result, year))
    levels = []
    region_labels = dict(Region.choices)
    for level, label in Level.choices:
        rows = by_level.get(level)
        if not rows:
            continue
        ranked = [row for row in rows if row.result.rank is not None]
        rows = ranked + sorted(
            (row for row in rows if row.result.rank is None), key=lambda r: r.result.unit.code
        )
        average = mean([row.result.index for row in ranked])
        regions: dict[str, list[Decimal]] = {}
        domains: dict[str, tuple[str, list[Decimal]]] = {}
        groups: dict[str, int] = {}
        for row in rows:
            groups[row.result.group] = groups.get(row.result.group, 0) + 1
            if row.result.rank is not None and row.result.unit.region:
                regions.setdefault(row.result.unit.region, []).append(row.result.index)
            for part in row.domains:
                if part["index"] is not None:
                    name = part.get("name_vi") or ""
                    domains.setdefault(part["code"], (name, []))[1].append(part["index"])
        levels.append(
            PublishedLevel(
                level=level,
                label=str(label),
                rows=rows,
                average=shown(average) if average is not None else None,
                above_average=sum(
                    1 for row in ranked if average is not None and row.result.index > average
                ),
                regions=[
                    (str(region_labels.get(region, region)), shown(mean_of(values)))
                    for region, values in sorted(regions.items())
                ],
                domains=[
                    (code, name, shown(mean_of(values)))
                    for code, (name, values) in sorted(
                        domains.items(),
                        key=lambda kv: [int(p) if p.isdigit() else 0 for p in kv[0].split(".")],
                    )
                ],
                groups=groups,
                count=len(rows),
                top=ranked[0] if ranked else None,
                bottom=ranked[-1] if ranked else None,
            )
        )
    return levels


# bump when PublishedLevel changes shape: summaries cached by an older release are not read
SUMMARY_VERSION = 1


def level_summaries(campaign: Campaign) -> list[PublishedLevel]:
    """Each level's figures — average, groups, regions, domains, count, first and last —
    without its rows. A published year does not change, so they are computed once per set of
    stored results (and language) and kept in the cache: the year page, the landing page and
    every unit page read them for the cost of two small queries, at 48 units or 2,100."""
    stamp = UnitResult.objects.filter(campaign=campaign).aggregate(n=Count("pk"), last=Max("pk"))
    key = (
        f"public-levels:{SUMMARY_VERSION}:{campaign.pk}:{stamp['n']}:{stamp['last']}:"
        f"{get_language()}"
    )
    levels: list[PublishedLevel] | None = cache.get(key)
    if levels is None:
        levels = published_levels(campaign)
        for level in levels:
            level.rows = []
        cache.set(key, levels, timeout=None)
    return levels


def level_page(campaign: Campaign, level: str, number: str | int | None, size: int) -> Page[Row]:
    """A page of a level's ranking: the ranked units by rank, then the others by code. A row
    shows totals, not the components (6 KB of JSON a unit, read on the unit's own page)."""
    results = (
        UnitResult.objects.filter(campaign=campaign, level=level)
        .defer("components")
        .select_related("unit")
        .prefetch_related("unit__former_names")
        .order_by(F("rank").asc(nulls_last=True), "unit__code")
    )
    paginator = Paginator(results, size)
    page = paginator.get_page(number)
    rows = [Row(result, campaign.year) for result in page.object_list]
    return Page(rows, page.number, paginator)  # type: ignore[arg-type]  # rows of its results


@dataclass
class Headline:
    """A program's latest published year, in a few figures per level."""

    campaign: Campaign
    levels: list[PublishedLevel]

    @property
    def units(self) -> int:
        return sum(level.count for level in self.levels)


def headlines() -> list[Headline]:
    """The latest published year of every program, with its levels' figures."""
    latest: dict[int, Campaign] = {}
    for campaign in published_campaigns().order_by("program__code", "-year"):
        latest.setdefault(campaign.program_id, campaign)
    return [Headline(campaign, level_summaries(campaign)) for campaign in latest.values()]


def find_units(text: str, limit: int = 30) -> list[UnitResult]:
    """Units whose code or name (current or former) holds `text`: each one's latest
    published result."""
    text = " ".join(text.split())[:100]
    if not text:
        return []
    results = (
        UnitResult.objects.filter(campaign__state__in=PUBLIC_STATES)
        .filter(
            Q(unit__code__iexact=text)
            | Q(unit__name_vi__icontains=text)
            | Q(unit__name_en__icontains=text)
            | Q(unit__former_names__name_vi__icontains=text)
        )
        .select_related("unit", "campaign__program")
        .prefetch_related("unit__former_names")
        .order_by("unit__code", "-campaign__year")
        .distinct()
    )
    latest: dict[tuple[int, int], UnitResult] = {}
    for result in results[: limit * 10]:
        latest.setdefault((result.campaign.program_id, result.unit_id), result)
    return list(latest.values())[:limit]


def region_comparison(campaign: Campaign, result: UnitResult) -> dict[str, Any]:
    """The unit's index beside its level's and its region's averages this year."""
    level = next((lv for lv in level_summaries(campaign) if lv.level == result.level), None)
    if level is None:
        return {}
    region = dict(Region.choices).get(result.unit.region, "")
    return {
        "level_label": level.label,
        "level_average": level.average,
        "region_label": str(region) if region else "",
        "region_average": dict(level.regions).get(str(region)) if region else None,
        "regions": level.regions,
    }


def unit_history(program: Program, unit_id: int) -> list[UnitResult]:
    """A unit's published results across the program's years."""
    return list(
        UnitResult.objects.filter(
            campaign__program=program, campaign__state__in=PUBLIC_STATES, unit_id=unit_id
        )
        .select_related("campaign")
        .order_by("campaign__year")
    )


def get_unit_result(campaign: Campaign, unit_code: str) -> UnitResult:
    return get_object_or_404(
        UnitResult.objects.select_related("unit", "campaign__program").prefetch_related(
            "unit__former_names"
        ),
        campaign=campaign,
        unit__code=unit_code,
    )


CSV_COLUMNS = (
    "level",
    "rank",
    "unit_code",
    "unit_name",
    "appraisal_points",
    "survey_points",
    "total_points",
    "max_points",
    "index",
    "group",
    "ranked",
    "change",
)


# The same columns for people (Excel in Vietnamese): headers and values in Vietnamese.
VI_COLUMNS = (
    "Cấp",
    "Thứ hạng",
    "Mã đơn vị",
    "Tên đơn vị",
    "Điểm thẩm định",
    "Điểm điều tra xã hội học",
    "Tổng điểm",
    "Điểm tối đa",
    "Chỉ số CCHC (%)",
    "Nhóm",
    "Được xếp hạng",
    "Thay đổi so với năm trước (điểm %)",
)
NUMERIC_COLUMNS = {1, 4, 5, 6, 7, 8, 11}


def vietnamese_rows(levels: list[PublishedLevel]) -> list[list[Any]]:
    """`export_rows` for people: the level's name, "có"/"không", numbers as Decimals."""
    out = []
    for row in export_rows(levels):
        values: list[Any] = list(row)
        values[0] = str(Level(row[0]).label) if row[0] in Level.values else row[0]
        values[10] = "có" if row[10] == "yes" else "không"
        for index in NUMERIC_COLUMNS:
            values[index] = Decimal(row[index]) if row[index] else None
        out.append(values)
    return out


def export_rows(levels: list[PublishedLevel]) -> list[list[str]]:
    """One row per unit with the columns of `CSV_COLUMNS`: decimal point, two decimals."""
    out = []
    for level in levels:
        for row in level.rows:
            result = row.result
            change = row.change
            out.append(
                [
                    level.level,
                    "" if result.rank is None else str(result.rank),
                    result.unit.code,
                    spreadsheet_safe(row.name_vi),
                    f"{shown(result.appraisal_points):.2f}",
                    f"{shown(result.survey_points):.2f}",
                    f"{shown(result.total_points):.2f}",
                    f"{shown(result.max_points):.2f}",
                    f"{row.index:.2f}",
                    result.group,
                    "yes" if result.ranked else "no",
                    "" if change is None else f"{change:.2f}",
                ]
            )
    return out


def year_documents(campaign: Campaign, *keys: str) -> dict[str, bool]:
    """Which of a published year's documents are made (by key): the decision and the year
    report unless other keys are asked. One query."""
    wanted = keys or ("decision", "year_report")
    made = set(
        CampaignDocument.objects.filter(campaign=campaign, key__in=wanted).values_list(
            "key", flat=True
        )
    )
    return {key: key in made for key in wanted}
