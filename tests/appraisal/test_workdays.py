import datetime

from appraisal.workdays import add_working_days, is_working_day, working_days_between

D = datetime.date


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
