"""The Temporal Schedules Baton runs on its own, created at worker start-up, idempotently.

- ``commission-monthly``: on day 3 of each month at 02:00 company time, ``CommissionMonthly``
  opens and starts the previous month's settlement (unless finance already did).

Creating a schedule that exists leaves it as it is (an admin may have paused it in the Temporal
Web UI); its action is brought up to date so a new task queue or time zone takes effect.
"""

from __future__ import annotations

import logging

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from schemas import search

log = logging.getLogger("baton.schedules")

COMMISSION_SCHEDULE = "commission-monthly"


def commission_schedule(task_queue: str, timezone: str) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            "CommissionMonthly", id="commission-monthly-run", task_queue=task_queue,
            typed_search_attributes=search.process_attributes("commission", "monthly", "scheduled")),
        spec=ScheduleSpec(calendars=[ScheduleCalendarSpec(day_of_month=[ScheduleRange(3)], hour=[ScheduleRange(2)])],
                          time_zone_name=timezone),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP))


async def ensure_schedules(client: Client, task_queue: str, timezone: str) -> None:
    schedule = commission_schedule(task_queue, timezone)
    try:
        await client.create_schedule(COMMISSION_SCHEDULE, schedule)
        log.info("created schedule %s", COMMISSION_SCHEDULE)
    except ScheduleAlreadyRunningError:
        def refreshed(current: ScheduleUpdateInput) -> ScheduleUpdate:
            kept = current.description.schedule
            kept.action, kept.spec = schedule.action, schedule.spec
            return ScheduleUpdate(schedule=kept)

        await client.get_schedule_handle(COMMISSION_SCHEDULE).update(refreshed)
