"""``GET /healthz``: green once the database, Temporal and a worker all answer."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from web.shared.auth import get_db, get_settings
from web.shared.engine import engine_handle
from web.shared.temporal import worker_alive

router = APIRouter()


@router.get("/healthz", tags=["health"])
async def healthz(request: Request) -> JSONResponse:
    database = await run_in_threadpool(get_db(request).ping)
    temporal = worker = False
    try:
        client = await engine_handle(request).client(timeout=3)
        await asyncio.wait_for(client.service_client.check_health(), timeout=3)
        temporal = True
        worker = await worker_alive(client, get_settings(request).temporal.task_queue)
    except Exception:  # any failure is reported as the part that is down
        pass
    ok = database and temporal and worker
    body: dict[str, object] = {"ok": ok, "database": database, "temporal": temporal, "worker": worker}
    if not ok:
        failing = [part for part in ("database", "temporal", "worker") if not body[part]]
        body["error"] = {
            "code": "not_ready",
            "message": f"not ready: {', '.join(failing)}",
            "details": [{"part": part} for part in failing],
        }
    return JSONResponse(body, status_code=200 if ok else 503)
