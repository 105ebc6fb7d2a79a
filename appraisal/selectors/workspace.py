"""The scoring workspace's data: a submission's items grouped by domain, with their evidence,
counts and totals — three queries whatever the number of items or documents."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from appraisal.models import FrameworkNode, NotApplicableRequest, ScoreItem, Submission
from appraisal.models.choices import NodeKind, ScoringMode
from appraisal.models.people import person_name
from documents.models import Binding

FILTERS = ("todo", "no_evidence", "no_explanation", "incomplete")


@dataclass
class DomainSummary:
    node: FrameworkNode | None  # None: the whole report
    items: list[ScoreItem] = field(default_factory=list)
    total: int = 0
    scored: int = 0
    no_evidence: int = 0
    no_explanation: int = 0
    points: Decimal = Decimal(0)
    maximum: Decimal = Decimal(0)

    @property
    def todo(self) -> int:
        return self.total - self.scored

    @property
    def percent(self) -> int:
        return round(100 * self.scored / self.total) if self.total else 100


def needs_explanation(item: ScoreItem) -> bool:
    return item.evidence_count == 0 and not item.explanation


def _count(summary: DomainSummary, item: ScoreItem) -> None:
    if item.scoring_mode != ScoringMode.SELF or not item.applicable:
        return
    summary.total += 1
    summary.scored += item.self_score is not None
    summary.no_evidence += item.evidence_count == 0
    summary.no_explanation += needs_explanation(item)
    summary.points += item.self_score or 0
    summary.maximum += 0 if item.is_deduction else item.max_points


def workspace(
    submission: Submission, wanted: str = ""
) -> tuple[list[DomainSummary], DomainSummary]:
    domains = {
        node.pk: DomainSummary(node)
        for node in FrameworkNode.objects.filter(
            framework_id=submission.framework_id, kind=NodeKind.DOMAIN
        ).order_by("position")
    }
    items = list(workspace_items().filter(submission=submission).order_by("position"))
    with_evidence(items)
    overall = DomainSummary(node=None)
    for item in items:
        summary = domains[item.domain_id]
        _count(summary, item)
        _count(overall, item)
        if _shown(item, wanted):
            summary.items.append(item)
    return list(domains.values()), overall


def workspace_items() -> QuerySet[ScoreItem]:
    """Score items with what a workspace row shows: node, criterion, pending requests (and
    their evidence through `with_evidence`)."""
    pending = Prefetch("na_requests", queryset=pending_na_requests(), to_attr="pending_na")
    # `pending_na` is declared on ScoreItem for the code that reads it
    return (
        ScoreItem.objects.select_related("node", "node__parent")
        # a row names the criterion above the item, nothing more of it
        .defer("node__parent__guidance", "node__parent__method_params")
        .prefetch_related(pending)  # type: ignore[no-redef]
    )


def pending_na_requests() -> QuerySet[NotApplicableRequest]:
    return NotApplicableRequest.objects.filter(state=NotApplicableRequest.State.PENDING)


@dataclass(frozen=True)
class Evidence:
    """A file bound to an item, as a row shows it: what it is, who sent it when."""

    version_id: int
    name: str
    kind: str
    uploaded_at: datetime.datetime
    uploaded_by: str  # the person's name (person_name), "—" for no one
    reference: str
    from_query: bool  # sent in answer to a query


def with_evidence(items: list[ScoreItem]) -> list[ScoreItem]:
    """Set each item's `evidence_files` (its files, oldest document first) and `evidence_count`:
    one query of plain values by the items' keys. A report has hundreds of bindings; read as
    models, each was four objects (binding, document, version, person)."""
    found: dict[int, list[Evidence]] = {item.pk: [] for item in items}
    rows = (
        Binding.objects.filter(item_id__in=list(found))
        .order_by("document_id", "pk")
        .values_list(
            "item_id",
            "document__current_id",
            "document__current__name",
            "document__current__kind",
            "document__current__uploaded_at",
            "document__current__uploaded_by__username",
            "document__current__uploaded_by__first_name",
            "document__current__uploaded_by__last_name",
            "reference",
            "document__query_id",
        )
    )
    for item_id, version, name, kind, at, username, first, last, reference, query in rows:
        person = person_name(first, last, username) if username is not None else "—"
        found[item_id].append(
            Evidence(version, name, kind, at, person, reference, query is not None)
        )
    for item in items:
        item.evidence_files = found[item.pk]
        item.evidence_count = len(item.evidence_files)
    return items


def _shown(item: ScoreItem, wanted: str) -> bool:
    if wanted not in FILTERS:
        return True
    if item.scoring_mode != ScoringMode.SELF or not item.applicable:
        return False
    if wanted == "todo":
        return item.self_score is None
    if wanted == "no_evidence":
        return item.evidence_count == 0
    if wanted == "incomplete":  # what keeps the report from being sent (incomplete_items)
        return item.self_score is None or (not item.explanation and item.evidence_count == 0)
    return needs_explanation(item)


def item_after_save(
    submission: Submission, item_pk: int
) -> tuple[ScoreItem, DomainSummary, DomainSummary]:
    """An item as its card shows it after a save, with the counts of its domain and of the
    whole submission: read once, with the rest of the report the counts need."""
    domains, overall = workspace(submission)
    for domain in domains:
        for item in domain.items:
            if item.pk == item_pk:
                return item, domain, overall
    raise ScoreItem.DoesNotExist(item_pk)
