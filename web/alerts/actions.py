"""Running the risk scan by hand: the web side of ``RiskScan``.

``POST /api/alerts/scan`` starts a scan and waits for its answer (``SCAN_WAIT`` at most: a full
scan of a large company takes seconds, not minutes); the page starts one and follows its
progress instead. Each manual scan has its own workflow id, so two admins pressing the button
run two scans; the partial unique index on unresolved alerts keeps either from raising twice.
With no worker polling the task queue nothing would run the scan, so the caller hears 503 at once.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio.client import WorkflowFailureError, WorkflowHandle
from temporalio.service import RPCError

from schemas import search
from schemas.alerts import ScanOut, ScanStart, ScanStillRunning
from schemas.kernel.config import Settings
from schemas.kernel.errors import EngineUnavailable
from store.models.base import utcnow
from web.shared.auth import Principal
from web.shared.engine import EngineHandle
from web.shared.temporal import worker_alive

SCAN_WAIT = 120.0  # seconds the API waits for a scan before answering 503 (the scan goes on)


async def start_scan(engine: EngineHandle, settings: Settings, principal: Principal) -> WorkflowHandle[object, ScanOut]:
    """Start a manual scan on ``settings``' task queue, bounded by its ``action_timeout``."""
    workflow_id = f"risk-scan-{utcnow():%Y%m%dT%H%M%S%f}-{principal.id}"
    try:
        client = await engine.client(timeout=settings.action_timeout)
        if not await worker_alive(client, settings.temporal.task_queue):
            raise EngineUnavailable()  # nobody would run it: say so now, not after the wait
        return await asyncio.wait_for(
            client.start_workflow(
                "RiskScan",
                ScanStart(trigger="manual", started_by=principal.id),
                id=workflow_id,
                task_queue=settings.temporal.task_queue,
                result_type=ScanOut,
                search_attributes=search.process_attributes("risk_scan", "manual", "running"),
                rpc_timeout=timedelta(seconds=settings.action_timeout),
            ),
            timeout=settings.action_timeout,
        )
    except (TimeoutError, RPCError) as exc:
        raise EngineUnavailable() from exc


async def scan_now(engine: EngineHandle, settings: Settings, principal: Principal) -> ScanOut:
    """Run a manual scan and wait for its answer, ``SCAN_WAIT`` at most."""
    handle = await start_scan(engine, settings, principal)
    try:
        return await asyncio.wait_for(handle.result(), timeout=SCAN_WAIT)
    except TimeoutError as exc:
        raise ScanStillRunning(details=[{"field": "workflow_id", "code": "running", "message": handle.id}]) from exc
    except (RPCError, WorkflowFailureError) as exc:
        raise EngineUnavailable() from exc
