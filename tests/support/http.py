"""Logging in over the API outside pytest fixtures (history recordings, benchmarks)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from tests.support.org import PASSWORD


def api_login(app: Any) -> Callable[[str], Awaitable[httpx.AsyncClient]]:
    """``await login("hr")`` → a client of ``app`` with that test person's bearer token."""
    transport = httpx.ASGITransport(app=app)

    async def login(username: str) -> httpx.AsyncClient:
        client = httpx.AsyncClient(transport=transport, base_url="http://baton.test")
        token = (await client.post("/api/login", json={"username": username, "password": PASSWORD})).json()["token"]
        client.headers["Authorization"] = f"Bearer {token}"
        return client

    return login
