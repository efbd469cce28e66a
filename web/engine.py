"""The web process's handle on Temporal: connected lazily, reconnected after failures.

The web app must start and serve pages even when Temporal is down; process actions then answer
503 ``engine_unavailable`` instead of hanging.
"""

from __future__ import annotations

import asyncio

from fastapi import Request
from temporalio.client import Client

from baton import engine
from baton.config import Settings
from schemas.errors import EngineUnavailable


class EngineHandle:
    def __init__(self, settings: Settings, client: Client | None = None) -> None:
        self.settings = settings
        self._client = client
        self._lock = asyncio.Lock()

    async def client(self, timeout: float = 5.0) -> Client:
        if self._client is not None:
            return self._client
        async with self._lock:
            if self._client is None:
                try:
                    self._client = await engine.connect(self.settings.temporal, timeout=timeout)
                except Exception as exc:
                    raise EngineUnavailable() from exc
        return self._client


def engine_handle(request: Request) -> EngineHandle:
    handle: EngineHandle = request.app.state.engine
    return handle
