"""The working-day calendar (DOMAIN.md §8): Saturdays, Sundays and Vietnamese public
holidays do not count; the make-up working Saturdays do. The rules come from the `holidays`
package; what the government decides each year (the exact Tết days, compensatory days off,
make-up Saturdays) is a table the secretariat edits (`CalendarDay`), which wins over the
rules. Dates are Asia/Ho_Chi_Minh dates."""

import datetime
import time
from functools import lru_cache

import holidays
from django.utils import timezone

from appraisal.models.calendar import CalendarDay

# How long a process trusts its copy of the edited days (the worker and the web processes
# each keep one): a change shows everywhere within this many seconds.
OVERRIDES_TTL = 30.0
_cache: dict = {"at": 0.0, "days": None}


@lru_cache(maxsize=1)
def _calendar() -> holidays.HolidayBase:
    # years are added on demand by the package as dates are asked about
    return holidays.country_holidays("VN")


def _overrides() -> dict[datetime.date, bool]:
    """day → is it a working day, as the secretariat set it."""
    now = time.monotonic()
    if _cache["days"] is None or now - _cache["at"] > OVERRIDES_TTL:
        _cache["days"] = {
            day: kind == CalendarDay.Kind.WORKING_DAY
            for day, kind in CalendarDay.objects.values_list("day", "kind")
        }
        _cache["at"] = now
    return _cache["days"]


def forget_overrides() -> None:
    """After an edit: read the table again on next use (in this process)."""
    _cache["days"] = None


def today() -> datetime.date:
    """Today in Vietnam."""
    return timezone.localdate()


def is_working_day(day: datetime.date) -> bool:
    override = _overrides().get(day)
    if override is not None:
        return override
    return _calendar().is_working_day(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (`start` itself is not counted)."""
    day, left = start, days
    while left > 0:
        day += datetime.timedelta(days=1)
        left -= is_working_day(day)
    return day


def working_days_before(end: datetime.date, days: int) -> datetime.date:
    """The date `days` working days before `end`."""
    day, left = end, days
    while left > 0:
        day -= datetime.timedelta(days=1)
        left -= is_working_day(day)
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` ≤ `start`)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count


def holidays_of(year: int, language: str = "vi") -> list[tuple[datetime.date, str]]:
    """The package's public holidays of a year (for the calendar page)."""
    calendar = holidays.country_holidays("VN", years=year, language=language)
    return sorted(calendar.items())
