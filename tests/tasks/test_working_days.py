"""Due times: working days follow the official Chinese calendar (holidays and make-up days 调休),
wall-clock policies ignore it. Dates are 2026, whose arrangement the calendar package knows:
National Day 1–7 October, Mid-Autumn 25–27 September, make-up working days Sunday 20 September
and Saturday 10 October."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from activities.tasks import deadlines
from activities.tasks.deadlines import add_working_days, due_at, is_working_day, working_days_between
from schemas.policies import CalendarKind, DeadlinePolicy

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def working(days: int) -> DeadlinePolicy:
    return DeadlinePolicy(due_in=timedelta(days=days), calendar=CalendarKind.working_days)


def test_the_calendar_package_knows_the_2026_national_day_arrangement() -> None:
    assert not any(is_working_day(date(2026, 10, day)) for day in range(1, 8))
    assert is_working_day(date(2026, 10, 8))
    saturday = date(2026, 10, 10)
    assert saturday.weekday() == 5 and is_working_day(saturday), "make-up working day"
    sunday = date(2026, 9, 20)
    assert sunday.weekday() == 6 and is_working_day(sunday), "make-up working day"


def test_one_working_day_across_national_day_lands_after_the_holiday() -> None:
    assert due_at(local(2026, 9, 30, 10), working(1)) == local(2026, 10, 8, 10)


def test_the_make_up_saturday_counts_as_a_working_day() -> None:
    # 8 Oct (Thu), 9 Oct (Fri), 10 Oct (Sat, make-up day).
    assert due_at(local(2026, 9, 30, 10), working(3)) == local(2026, 10, 10, 10)
    assert due_at(local(2026, 9, 30, 10), working(4)) == local(2026, 10, 12, 10)


def test_the_make_up_sunday_before_mid_autumn_counts() -> None:
    assert due_at(local(2026, 9, 18, 15), working(1)) == local(2026, 9, 20, 15)


def test_mid_autumn_friday_is_skipped() -> None:
    assert due_at(local(2026, 9, 24, 9), working(1)) == local(2026, 9, 28, 9)


def test_a_normal_weekend_is_skipped() -> None:
    assert due_at(local(2026, 11, 13, 16, 30), working(2)) == local(2026, 11, 17, 16, 30)


def test_the_opening_day_never_counts_even_on_a_weekend() -> None:
    assert due_at(local(2026, 11, 14, 10), working(1)) == local(2026, 11, 16, 10)


def test_working_days_count_local_dates_not_utc_dates() -> None:
    # Friday 23:30 in Shanghai is still Friday 15:30 in UTC, but the local date is what counts.
    opened = datetime(2026, 11, 13, 15, 30, tzinfo=UTC)
    due = due_at(opened, working(1))
    assert due == local(2026, 11, 16, 23, 30)
    assert due.tzinfo == UTC


def test_wall_clock_ignores_holidays_and_weekends() -> None:
    policy = DeadlinePolicy(due_in=timedelta(hours=8))
    assert due_at(local(2026, 9, 30, 18), policy) == local(2026, 10, 1, 2)
    assert due_at(local(2026, 9, 30, 10), DeadlinePolicy(due_in=timedelta(days=3))) == local(2026, 10, 3, 10)


def test_a_naive_opening_time_is_refused() -> None:
    with pytest.raises(ValueError):
        due_at(datetime(2026, 11, 13, 10), working(1))


def test_years_without_calendar_data_fall_back_to_monday_to_friday(caplog: pytest.LogCaptureFixture) -> None:
    deadlines._warn_outside_calendar.cache_clear()
    friday = date(2099, 1, 9)
    assert friday.weekday() == 4
    with caplog.at_level(logging.WARNING, logger="baton.deadlines"):
        due = due_at(local(2099, 1, 9, 10), working(1))
    assert due == local(2099, 1, 12, 10)
    assert any("2099" in record.getMessage() for record in caplog.records)


def test_working_days_between_is_the_inverse_of_adding_them() -> None:
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert working_days_between(date(2026, 10, 10), date(2026, 9, 30)) == 0
    start = date(2026, 9, 1)
    for count in range(0, 30):
        assert working_days_between(start, add_working_days(start, count)) == count
