"""The Temporal Schedules Baton runs on its own, created at worker start-up, idempotently.

- ``commission-monthly``: on day 3 of each month at 02:00 company time, ``CommissionMonthly``
  opens and starts the previous month's settlement (unless finance already did).
- ``risk-scan-daily``: every day at 06:00 company time, ``RiskScan`` evaluates the risk rules, so
  managers find the night's alerts in their inbox when the day starts.

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
from schemas.alerts import ScanStart
from workflows.alerts import RiskScanWorkflow
from workflows.commission import CommissionMonthlyWorkflow

log = logging.getLogger("baton.schedules")

COMMISSION_SCHEDULE = "commission-monthly"
RISK_SCAN_SCHEDULE = "risk-scan-daily"


def commission_schedule(task_queue: str, timezone: str) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            CommissionMonthlyWorkflow.run,
            id="commission-monthly-run",
            task_queue=task_queue,
            typed_search_attributes=search.process_attributes("commission", "monthly", "scheduled"),
        ),
        spec=ScheduleSpec(
            calendars=[ScheduleCalendarSpec(day_of_month=[ScheduleRange(3)], hour=[ScheduleRange(2)])],
            time_zone_name=timezone,
        ),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


def risk_scan_schedule(task_queue: str, timezone: str) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            RiskScanWorkflow.run,
            ScanStart(trigger="schedule"),
            id="risk-scan-daily",
            task_queue=task_queue,
            typed_search_attributes=search.process_attributes("risk_scan", "daily", "scheduled"),
        ),
        spec=ScheduleSpec(calendars=[ScheduleCalendarSpec(hour=[ScheduleRange(6)])], time_zone_name=timezone),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


async def ensure_schedules(client: Client, task_queue: str, timezone: str) -> None:
    for schedule_id, schedule in (
        (COMMISSION_SCHEDULE, commission_schedule(task_queue, timezone)),
        (RISK_SCAN_SCHEDULE, risk_scan_schedule(task_queue, timezone)),
    ):
        await _ensure(client, schedule_id, schedule)


async def _ensure(client: Client, schedule_id: str, schedule: Schedule) -> None:
    try:
        await client.create_schedule(schedule_id, schedule)
        log.info("created schedule %s", schedule_id)
    except ScheduleAlreadyRunningError:

        def refreshed(current: ScheduleUpdateInput) -> ScheduleUpdate:
            kept = current.description.schedule
            kept.action, kept.spec = schedule.action, schedule.spec
            return ScheduleUpdate(schedule=kept)

        await client.get_schedule_handle(schedule_id).update(refreshed)
