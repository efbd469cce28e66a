"""The demo's first risk scan, run as soon as a worker is up.

A freshly loaded demo company would otherwise show an empty alert dashboard until 06:00 the next
day, or until an admin pressed "scan now": the story the demo data tells (张伟's quiet week,
马超 working 王芳's customers, ...) would be invisible on the first visit. So a worker started in
demo mode (``BATON_DEMO=1``) triggers the daily schedule's scan once when the database has never
been scanned. It is idempotent: once a scan has begun (its row is written in the scan's first
step) no later start triggers another, and a trigger while the schedule's scan is still running
is skipped by the schedule's overlap policy. A real company (``BATON_DEMO`` off) waits for the
schedule as before.
"""

from __future__ import annotations

import logging

from temporalio.client import Client, ScheduleOverlapPolicy

from baton.schedules import RISK_SCAN_SCHEDULE
from schemas.kernel.config import Settings
from store.db import Database
from store.repo.alerts import records as alerts

log = logging.getLogger("baton.first_scan")


async def scan_new_demo(client: Client, db: Database, settings: Settings) -> bool:
    """Trigger the risk-scan schedule once for a demo that was never scanned; True when it did."""
    if not settings.demo:
        return False
    with db.session() as session:
        if alerts.ever_scanned(session):
            return False
    await client.get_schedule_handle(RISK_SCAN_SCHEDULE).trigger(overlap=ScheduleOverlapPolicy.SKIP)
    log.info("triggered the first risk scan of the demo company")
    return True
