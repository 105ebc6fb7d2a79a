"""The working-day calendar (DOMAIN.md §8): Saturdays, Sundays and Vietnamese public
holidays do not count; the make-up working Saturdays the government sets do. The rules come
from the `holidays` package (Asia/Ho_Chi_Minh dates, never UTC ones)."""

import datetime
from functools import lru_cache

import holidays
from django.utils import timezone


@lru_cache(maxsize=1)
def _calendar() -> holidays.HolidayBase:
    # years are added on demand by the package as dates are asked about
    return holidays.country_holidays("VN")


def today() -> datetime.date:
    """Today in Vietnam."""
    return timezone.localdate()


def is_working_day(day: datetime.date) -> bool:
    return _calendar().is_working_day(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (`start` itself is not counted)."""
    day, left = start, days
    while left > 0:
        day += datetime.timedelta(days=1)
        left -= is_working_day(day)
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` ≤ `start`)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count
