"""Writing and verifying the audit trail."""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from appraisal.models import Campaign, ScoreItem
from workflow.models import AuditEvent, AuditHead, AuditKind

GENESIS = "0" * 64
# The fields that the hash covers, in a fixed order.
HASHED_FIELDS = (
    "seq",
    "created_at",
    "kind",
    "actor_id",
    "actor_name",
    "ip",
    "program_id",
    "object_type",
    "object_id",
    "submission_id",
    "action",
    "from_state",
    "to_state",
    "field",
    "old_value",
    "new_value",
    "comment",
    "stage",
    "internal",
)

# What the CSV export carries: the hashed content (the actor by name) and the chain itself.
EXPORT_FIELDS = (*(name for name in HASHED_FIELDS if name != "actor_id"), "prev_hash", "hash")


def _value(event: AuditEvent, name: str) -> object:
    value = getattr(event, name)
    if name == "created_at":
        return value.isoformat(timespec="microseconds")
    return value


def compute_hash(event: AuditEvent, prev_hash: str) -> str:
    payload = json.dumps(
        [prev_hash, *(_value(event, name) for name in HASHED_FIELDS)],
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def audit_record(
    *,
    kind: str,
    actor: User | None,
    obj_type: str,
    obj_id: int,
    action: str,
    ip: str | None = None,
    program_id: int | None = None,
    submission_id: int | None = None,
    from_state: str = "",
    to_state: str = "",
    field: str = "",
    old_value: str = "",
    new_value: str = "",
    comment: str = "",
    stage: str = "",
    internal: bool = False,
) -> AuditEvent:
    """Append one row to the chain. Must run inside the caller's transaction."""
    return audit_records(
        [
            AuditRow(
                kind=kind,
                actor=actor,
                obj_type=obj_type,
                obj_id=obj_id,
                action=action,
                ip=ip,
                program_id=program_id,
                submission_id=submission_id,
                from_state=from_state,
                to_state=to_state,
                field=field,
                old_value=old_value,
                new_value=new_value,
                comment=comment,
                stage=stage,
                internal=internal,
            )
        ]
    )[0]


def audit_campaign(
    campaign: Campaign,
    action: str,
    *,
    kind: str,
    actor: User | None,
    ip: str | None = None,
    **fields: Any,
) -> AuditEvent:
    """A row about a campaign's settings: its program, and the stage the campaign was in."""
    return audit_record(
        kind=kind,
        actor=actor,
        ip=ip,
        program_id=campaign.program_id,
        obj_type="campaign",
        obj_id=campaign.pk,
        action=action,
        stage=campaign.state,
        **fields,
    )


@dataclass
class AuditRow:
    """One row to append (what `audit_record` takes, for writing many at once)."""

    kind: str
    actor: User | None
    obj_type: str
    obj_id: int
    action: str
    ip: str | None = None
    program_id: int | None = None
    submission_id: int | None = None
    from_state: str = ""
    to_state: str = ""
    field: str = ""
    old_value: str = ""
    new_value: str = ""
    comment: str = ""
    stage: str = ""
    internal: bool = False


def audit_records(rows: list[AuditRow]) -> list[AuditEvent]:
    """Append rows to the chain under one lock of its head: three queries for any number
    of rows (bulk assignment writes sixty at once)."""
    assert transaction.get_connection().in_atomic_block, "audit rows are written with their change"
    if not rows:
        return []
    head, _created = AuditHead.objects.select_for_update().get_or_create(id=1)
    now = timezone.now()
    events = []
    seq, prev = head.seq, head.hash
    for row in rows:
        actor = row.actor if row.actor is not None and row.actor.is_authenticated else None
        seq += 1
        event = AuditEvent(
            seq=seq,
            created_at=now,
            kind=row.kind,
            actor=actor,
            actor_name=actor.get_username() if actor else "system",
            ip=row.ip,
            program_id=row.program_id,
            object_type=row.obj_type,
            object_id=row.obj_id,
            submission_id=row.submission_id,
            action=row.action,
            from_state=row.from_state,
            to_state=row.to_state,
            field=row.field,
            old_value=row.old_value,
            new_value=row.new_value,
            comment=row.comment,
            stage=row.stage,
            internal=row.internal,
            prev_hash=prev,
        )
        event.hash = compute_hash(event, prev)
        prev = event.hash
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    head.seq, head.hash = seq, prev
    head.save(update_fields=["seq", "hash"])
    return events


@dataclass
class ChainBreak:
    seq: int
    event_id: int
    reason: str


def verify_chain(batch_size: int = 2000) -> Iterator[ChainBreak]:
    """Walk the chain in order and yield the first place where it does not hold."""
    expected_prev, expected_seq = GENESIS, 1
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size)
    for event in events:
        if event.seq != expected_seq:
            yield ChainBreak(
                expected_seq, event.pk, f"row {expected_seq} is missing (found {event.seq})"
            )
            return
        if event.prev_hash != expected_prev:
            yield ChainBreak(
                event.seq, event.pk, "does not follow the previous row (prev_hash differs)"
            )
            return
        if compute_hash(event, event.prev_hash) != event.hash:
            yield ChainBreak(event.seq, event.pk, "its content was altered (hash differs)")
            return
        expected_prev, expected_seq = event.hash, expected_seq + 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and head.seq != expected_seq - 1:
        yield ChainBreak(
            expected_seq, 0, f"the chain ends at {expected_seq - 1} but the head says {head.seq}"
        )


def audit_item(
    item: ScoreItem,
    *,
    action: str,
    field: str,
    old: str,
    new: str,
    actor,
    comment: str,
    stage: str,
    ip: str | None,
    internal: bool = False,
    kind: str = AuditKind.SCORE,
) -> None:
    """The audit row of a change to a score item (field as “<code>.<field>”)."""
    audit_record(
        kind=kind,
        actor=actor,
        ip=ip,
        program_id=item.submission.campaign.program_id,
        submission_id=item.submission_id,
        obj_type="score_item",
        obj_id=item.pk,
        action=action,
        field=f"{item.node.code}.{field}",
        old_value=old,
        new_value=new,
        comment=comment,
        stage=stage,
        internal=internal,
    )
