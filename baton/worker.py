"""The Temporal worker: every workflow and activity Baton runs, on one task queue.

Activities touch the database synchronously, so they run on a thread pool; workflows run in
Temporal's sandbox with our schemas passed through.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import signal
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker

from activities.alerts import risk_scan_activities
from activities.commission import commission_activities
from activities.notifications.channels import channels_for
from activities.notifications.notify import NotifyActivities
from activities.offboarding import offboarding_activities
from activities.orders import order_activities
from activities.tasks.fences import fence_activities
from activities.tasks.steps import task_activities
from baton.first_scan import scan_new_demo
from baton.order_adoption import adopt_pending_orders
from baton.schedules import ensure_schedules
from schemas.kernel.config import Settings
from store.db import Database
from web.shared import temporal
from workflows.alerts import AlertFollowUpWorkflow, RiskScanWorkflow
from workflows.commission import CommissionMonthlyWorkflow, CommissionSettlementWorkflow
from workflows.offboarding import OffboardingWorkflow
from workflows.orders import OrderApprovalWorkflow

log = logging.getLogger("baton.worker")

WORKFLOWS: Sequence[type] = (
    OrderApprovalWorkflow,
    OffboardingWorkflow,
    CommissionSettlementWorkflow,
    CommissionMonthlyWorkflow,
    RiskScanWorkflow,
    AlertFollowUpWorkflow,
)


def activities_for(db: Database, settings: Settings | None = None) -> list[Callable[..., Any]]:
    channels = channels_for(settings.notify) if settings else []
    notify = NotifyActivities(db, channels, (settings.notify.public_url or settings.web_url) if settings else None)
    timezone = settings.timezone if settings else "Asia/Shanghai"
    outside = bool(channels)
    return [
        notify.in_app,
        notify.deliver,
        notify.send,
        *task_activities(db, timezone, outside_channels=outside),
        *order_activities(db, outside_channels=outside),
        *offboarding_activities(db, outside_channels=outside),
        *commission_activities(db, timezone, outside_channels=outside),
        *risk_scan_activities(db, timezone),
        *fence_activities(db),
    ]


def build_worker(
    client: Client,
    settings: Settings,
    db: Database,
    executor: concurrent.futures.ThreadPoolExecutor,
    *,
    extra_workflows: Sequence[type] = (),
    task_queue: str | None = None,
) -> Worker:
    return Worker(
        client,
        task_queue=task_queue or settings.temporal.task_queue,
        workflows=[*WORKFLOWS, *extra_workflows],
        activities=activities_for(db, settings),
        activity_executor=executor,
        max_concurrent_activities=executor._max_workers,
        graceful_shutdown_timeout=timedelta(seconds=10),
    )


async def connect_with_retry(settings: Settings, attempts: int = 60) -> Client:
    """Temporal may still be starting: retry for about a minute before giving up."""
    last: Exception | None = None
    for _ in range(attempts):
        try:
            return await temporal.connect(settings.temporal, timeout=3)
        except Exception as exc:  # connection refused while the server boots
            last = exc
            await asyncio.sleep(1)
    raise RuntimeError(f"Temporal at {settings.temporal.target} did not answer") from last


async def run_worker(settings: Settings) -> None:
    db = Database(settings.database_url)
    client = await connect_with_retry(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as executor:
        worker = build_worker(client, settings, db, executor)
        log.info("worker polling task queue %s", settings.temporal.task_queue)
        async with worker:
            await adopt_pending_orders(client, db, settings.temporal.task_queue)
            await ensure_schedules(client, settings.temporal.task_queue, settings.timezone)
            await scan_new_demo(client, db, settings)
            await stop.wait()
    db.dispose()
