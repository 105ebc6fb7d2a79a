"""Editing the working-day calendar: the days the government decides each year."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.models import CalendarDay
from appraisal.workdays import forget_overrides
from workflow.audit import audit_record
from workflow.models import AuditKind


def _check(actor: User | None) -> None:
    if actor is not None and not permissions.can_edit_calendar(actor):
        raise PermissionDenied(_("Chỉ cơ quan thường trực mới sửa lịch ngày nghỉ."))


def _audit(day: datetime.date, actor: User | None, old: str, new: str, note: str) -> None:
    audit_record(
        kind=AuditKind.TRANSITION,
        actor=actor,
        obj_type="calendar",
        obj_id=day.toordinal(),
        action="calendar_day",
        field=day.isoformat(),
        old_value=old,
        new_value=new,
        comment=note,
    )


@transaction.atomic
def calendar_day_set(
    *, day: datetime.date, kind: str, note: str, actor: User | None
) -> CalendarDay:
    """Declare a day off or a make-up working day."""
    _check(actor)
    if kind not in CalendarDay.Kind.values:
        raise ValidationError(_("Loại ngày không hợp lệ."))
    if not 2000 <= day.year <= 2100:
        raise ValidationError(_("Năm phải từ 2000 đến 2100."))
    existing = CalendarDay.objects.filter(day=day).first()
    old = existing.kind if existing else ""
    entry, _created = CalendarDay.objects.update_or_create(
        day=day, defaults={"kind": kind, "note": note.strip()[:200], "updated_by": actor}
    )
    _audit(day, actor, old, kind, entry.note)
    transaction.on_commit(forget_overrides)
    forget_overrides()
    return entry


@transaction.atomic
def calendar_day_remove(*, day: datetime.date, actor: User | None) -> None:
    _check(actor)
    entry = CalendarDay.objects.filter(day=day).first()
    if entry is None:
        raise ValidationError(_("Ngày này không có trong lịch điều chỉnh."))
    _audit(day, actor, entry.kind, "", entry.note)
    entry.delete()
    transaction.on_commit(forget_overrides)
    forget_overrides()
