import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from appraisal.workdays import add_working_days, is_working_day, working_days_between
from workflow.services.calendar import calendar_day_remove, calendar_day_set

D = datetime.date
pytestmark = pytest.mark.django_db  # the calendar reads the days the secretariat declared


def test_weekends_and_new_year_do_not_count():
    # Wed 31/12/2026 + 2 working days: Thu 1/1 is a holiday, Fri 2/1 counts, then Mon 5/1
    assert add_working_days(D(2026, 12, 31), 2) == D(2027, 1, 5)
    assert working_days_between(D(2026, 12, 31), D(2027, 1, 5)) == 2


def test_tet_week_is_skipped():
    # Tết Nguyên đán 2027: 4–10 February are days off
    assert not is_working_day(D(2027, 2, 8))
    assert add_working_days(D(2027, 2, 3), 1) == D(2027, 2, 11)


def test_make_up_saturday_counts():
    # 22/08/2026 is a working Saturday (compensating the day off on 31/08)
    assert is_working_day(D(2026, 8, 22))
    assert not is_working_day(D(2026, 8, 31))


def test_nothing_between_a_day_and_itself():
    assert working_days_between(D(2026, 12, 1), D(2026, 12, 1)) == 0
    assert working_days_between(D(2026, 12, 2), D(2026, 12, 1)) == 0
    assert add_working_days(D(2026, 12, 1), 0) == D(2026, 12, 1)


# The government's own decisions, edited by the secretariat -------------------------------


def test_a_decided_day_off_and_a_make_up_saturday_change_the_count(personas):
    # a compensatory day off on Friday 2 January 2026, made up on Saturday 10 January
    assert is_working_day(D(2026, 1, 2)) and not is_working_day(D(2026, 1, 10))
    calendar_day_set(
        day=D(2026, 1, 2), kind="off", note="Nghỉ bù Tết Dương lịch", actor=personas["secretariat"]
    )
    calendar_day_set(day=D(2026, 1, 10), kind="work", note="Làm bù", actor=personas["secretariat"])
    assert not is_working_day(D(2026, 1, 2)) and is_working_day(D(2026, 1, 10))
    # Wed 31/12/2025 + 2 working days: 1/1 holiday, 2/1 now off, then Mon 5 and Tue 6
    assert add_working_days(D(2025, 12, 31), 2) == D(2026, 1, 6)
    calendar_day_remove(day=D(2026, 1, 2), actor=personas["secretariat"])
    assert is_working_day(D(2026, 1, 2))
    with pytest.raises(PermissionDenied):
        calendar_day_set(day=D(2026, 1, 3), kind="off", note="", actor=personas["bacninh_focal"])


def test_the_calendar_page(client, personas):
    client.force_login(personas["bacninh_focal"])
    page = client.get(reverse("calendar_page"), {"year": 2027})
    assert page.status_code == 200 and "Tết Nguyên Đán" in page.content.decode()
    assert (
        client.post(reverse("calendar_page"), {"day": "2027-02-03", "kind": "off"}).status_code
        == 403
    )
    client.force_login(personas["secretariat"])
    client.post(reverse("calendar_page"), {"day": "2027-02-03", "kind": "off", "note": "Nghỉ Tết"})
    assert not is_working_day(D(2027, 2, 3))
    response = client.post(
        reverse("calendar_page"), {"day": "not-a-date", "kind": "off"}, follow=True
    )
    assert "Ngày không hợp lệ" in response.content.decode()
