"""``/healthz`` reports each part of the stack the way an operator needs it."""

from __future__ import annotations

import httpx
from temporalio.worker import Worker

from schemas.kernel.config import Settings
from store.db import Database


async def test_green_when_database_temporal_and_worker_answer(anonymous: httpx.AsyncClient, worker: Worker) -> None:
    response = await anonymous.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "database": True, "temporal": True, "worker": True}


async def test_names_the_worker_when_none_polls(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] is True and body["temporal"] is True and body["worker"] is False
    assert body["error"]["details"] == [{"part": "worker"}]


async def test_names_temporal_when_the_server_is_unreachable(settings: Settings, db: Database) -> None:
    from web.app import create_app

    unreachable = settings.temporal.__class__(**{**settings.temporal.__dict__, "address": "127.0.0.1:1"})
    app = create_app(settings.with_changes(temporal=unreachable), db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://baton.test") as client:
        response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["temporal"] is False and response.json()["database"] is True
