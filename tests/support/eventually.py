"""Waiting for what the engine, a worker or a page does on its own: readiness, not timing.

``await eventually(probe, "what is awaited")`` calls ``probe`` (plain or async) until it returns
something other than ``None`` or a falsy value, and returns that. Past the deadline it fails
with an AssertionError that names what was awaited and what the probe saw last, so a test
never sleeps for a fixed time and never hangs.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import TypeVar, overload

import httpx

T = TypeVar("T")

TIMEOUT = 10.0  # seconds: generous for a busy machine, short enough to fail a test quickly
EVERY = 0.025


@overload
async def eventually(
    probe: Callable[[], Awaitable[T | None]],
    what: str,
    *,
    timeout: float = TIMEOUT,
    every: float = EVERY,
    retry_on: tuple[type[BaseException], ...] = (),
) -> T: ...


@overload
async def eventually(
    probe: Callable[[], T | None],
    what: str,
    *,
    timeout: float = TIMEOUT,
    every: float = EVERY,
    retry_on: tuple[type[BaseException], ...] = (),
) -> T: ...


async def eventually(
    probe: Callable[[], object],
    what: str,
    *,
    timeout: float = TIMEOUT,
    every: float = EVERY,
    retry_on: tuple[type[BaseException], ...] = (),
) -> object:
    """Poll ``probe`` every ``every`` seconds for at most ``timeout`` seconds; an exception in
    ``retry_on`` (a busy server's timeout, say) counts as "not yet"."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last: object = None
    while True:
        try:
            seen = probe()
            if inspect.isawaitable(seen):
                seen = await seen
        except retry_on as exc:
            seen = None
            last = exc
        else:
            if seen:
                return seen
            last = seen
        if loop.time() >= deadline:
            raise AssertionError(
                f"waited {timeout:g} s for {what}" + ("" if last is None else f"; last seen: {last!r}")
            )
        await asyncio.sleep(every)


def not_ready(response: httpx.Response) -> bool:
    """The process has not registered the step yet (409 ``task_not_ready``, API or page)."""
    if response.status_code != 409:
        return False
    if response.headers.get("content-type", "").startswith("application/json"):
        return bool(response.json().get("error", {}).get("code") == "task_not_ready")
    return 'data-code="task_not_ready"' in response.text


async def once_ready(send: Callable[[], Awaitable[httpx.Response]], task_id: str) -> httpx.Response:
    """Send a person's action on a task, again while the process is still registering the step."""

    async def answered() -> httpx.Response | None:
        response = await send()
        return None if not_ready(response) else response

    return await eventually(answered, f"task {task_id} to become ready")
