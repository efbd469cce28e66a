"""When a human step falls due under its deadline policy.

Two calendars:

- ``wall``: due exactly ``due_in`` after the task opened, nights, weekends and holidays included
  (an order approval of ``PT8H`` opened at 18:00 is due at 02:00).
- ``working_days``: ``due_in`` is N whole days. The opening day never counts, whatever the hour
  the task opened, so the person always gets N full working days. Counting starts with the next
  local date (``timezone``, Asia/Shanghai by default); the task is due on the Nth working day at
  the same local time of day it opened. Opened Wednesday 2026-09-30 10:00 with ``P1D``: 1–7
  October are the National Day holiday, so it is due Thursday 2026-10-08 10:00.

Working days come from the official Chinese calendar in the ``chinese_calendar`` package: public
holidays are off and the make-up working days (调休, e.g. Saturday 2026-10-10) count. The package
only has data for the years the State Council has announced (it raises ``NotImplementedError``
for others, e.g. after 2026 in version 1.11). For such dates Monday to Friday are working days
and a warning is logged once per year and process: a deadline that may be off around a holiday
beats no deadline, and upgrading the package fixes it.

Everything here is a pure function of its arguments and the package's data, so a workflow may
call it too and replays stay deterministic.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar

from schemas.policies import CalendarKind, DeadlinePolicy

log = logging.getLogger("baton.deadlines")

DEFAULT_TIMEZONE = "Asia/Shanghai"
ONE_DAY = timedelta(days=1)


@cache
def _warn_outside_calendar(year: int) -> None:
    log.warning(
        "chinese_calendar has no data for %s: counting Monday to Friday as working days "
        "(upgrade chinese-calendar once the year's holidays are announced)",
        year,
    )


def is_working_day(day: date) -> bool:
    """A Chinese working day: holidays off, make-up days on; Monday–Friday where data is missing."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        _warn_outside_calendar(day.year)
        return day.weekday() < 5


def add_working_days(day: date, count: int) -> date:
    """The ``count``-th working day after ``day`` (``day`` itself never counts); ``day`` for 0."""
    if count < 0:
        raise ValueError("count must not be negative")
    current = day
    while count:
        current += ONE_DAY
        if is_working_day(current):
            count -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not later).

    The inverse of :func:`add_working_days`: ``working_days_between(d, add_working_days(d, n)) == n``.
    """
    days = (end - start).days
    return sum(1 for offset in range(1, days + 1) if is_working_day(start + offset * ONE_DAY))


def due_at(opened_at: datetime, policy: DeadlinePolicy, timezone: str = DEFAULT_TIMEZONE) -> datetime:
    """The moment a step opened at ``opened_at`` falls due, in UTC (see the module docstring).

    ``opened_at`` must carry its offset: a naive time is a bug upstream, as in store/.
    """
    if opened_at.tzinfo is None:
        raise ValueError("opened_at must be timezone-aware")
    if policy.calendar != CalendarKind.working_days:
        return (opened_at + policy.due_in).astimezone(UTC)
    zone = ZoneInfo(timezone)
    opened_local = opened_at.astimezone(zone)
    due_day = add_working_days(opened_local.date(), policy.due_in // ONE_DAY)
    due_local = datetime.combine(due_day, opened_local.time(), tzinfo=zone)
    return due_local.astimezone(UTC)
