"""A submission's history as people read it: every event by its translated label, people by
name with their organisation, dates as dd/mm/yyyy HH:MM, values in their own form — and
filtered by kind and by domain."""

import datetime
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from appraisal.models import DomainReview, FrameworkNode, Query, RoleAssignment, Submission
from appraisal.models.choices import NodeKind
from workflow.labels import action_label, field_label, state_label
from workflow.models import AuditEvent, AuditKind

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Row:
    event: AuditEvent
    label: str
    who: str
    change: str


def domains_of(submission: Submission) -> list[FrameworkNode]:
    return list(
        FrameworkNode.objects.filter(
            framework_id=submission.framework_id, kind=NodeKind.DOMAIN
        ).order_by("position")
    )


def filtered(
    events: QuerySet[AuditEvent], submission: Submission, *, kind: str, domain: FrameworkNode | None
) -> QuerySet[AuditEvent]:
    if kind in AuditKind.values:
        events = events.filter(kind=kind)
    if domain is not None:
        reviews = list(
            DomainReview.objects.filter(submission=submission, domain=domain).values_list(
                "pk", flat=True
            )
        )
        queries = list(Query.objects.filter(review_id__in=reviews).values_list("pk", flat=True))
        events = events.filter(
            Q(object_type="score_item", field__startswith=f"{domain.code}.")
            | Q(object_type="domain_review", object_id__in=reviews)
            | Q(object_type="query", object_id__in=queries)
        )
    return events


def _people(usernames: set[str], program_id: int) -> dict[str, str]:
    """“Full name (organisation)” by username: two queries for a page."""
    users = {
        user.username: user
        for user in get_user_model()
        .objects.filter(username__in=usernames)
        .only("id", "username", "first_name", "last_name")
    }
    organisation: dict[int, str] = {}
    for user_id, name in (
        RoleAssignment.objects.filter(
            program_id=program_id, user_id__in=[u.pk for u in users.values()]
        )
        .exclude(organisation=None)
        .order_by("pk")
        .values_list("user_id", "organisation__name_vi")
    ):
        organisation.setdefault(user_id, name)
    out = {}
    for username, user in users.items():
        name = user.get_full_name() or username
        org = organisation.get(user.pk)
        out[username] = f"{name} ({org})" if org else name
    return out


def _value(raw: str, field: str, people: dict[str, str]) -> str:
    if not raw:
        return "—"
    if ISO_DATE.match(raw):
        return datetime.date.fromisoformat(raw).strftime("%d/%m/%Y")
    if field == "reviewer":
        return people.get(raw, raw)
    if field.endswith("applicable"):
        return _("có") if raw == "true" else _("không")
    if re.fullmatch(r"-?\d+(\.\d+)?", raw) and field.endswith("score"):
        return raw.replace(".", ",")
    return raw


def rows(page, program_id: int) -> list[Row]:
    events = list(page)
    names = {e.actor_name for e in events} | {
        v for e in events if e.field == "reviewer" for v in (e.old_value, e.new_value) if v
    }
    people = _people(names, program_id)
    out = []
    for event in events:
        change = ""
        if event.from_state or event.to_state:
            change = "{} → {}".format(
                state_label(event.object_type, event.from_state) or "—",
                state_label(event.object_type, event.to_state) or "—",
            )
        if event.field:
            code, label = field_label(event.field)
            where = f"{_('Tiêu chí')} {code} — " if code else ""
            change = (
                (change + " · " if change else "")
                + f"{where}{label}: {_value(event.old_value, event.field, people)} → {_value(event.new_value, event.field, people)}"
            )
        who = (
            _("Hệ thống")
            if event.actor_name == "system"
            else people.get(event.actor_name, event.actor_name)
        )
        out.append(Row(event, action_label(event.object_type, event.action), who, change))
    return out
