"""The web process's handle on Temporal: connected lazily, reconnected after failures.

The web app must start and serve pages even when Temporal is down; process actions then answer
503 ``engine_unavailable`` instead of hanging.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from temporalio.client import Client, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from baton import engine
from baton.config import Settings
from schemas.errors import BatonError, EngineUnavailable
from store.models.base import utcnow


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


def action_deadline(request: Request) -> datetime:
    """When a person's action stops counting: a workflow refuses it if delivered later, so an
    action answered with 503 is never recorded afterwards."""
    settings = request.app.state.settings
    return utcnow() + timedelta(seconds=settings.action_timeout + settings.process_clock_lead)


def company_today(request: Request) -> date:
    """Today in the company's time zone (dates people type are company dates)."""
    return datetime.now(ZoneInfo(request.app.state.settings.timezone)).date()


def company_days(request: Request, since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """A range of company dates, both included, as UTC instants: from the first day's midnight to
    the midnight after the last."""
    zone = ZoneInfo(request.app.state.settings.timezone)

    def midnight(day: date | None) -> datetime | None:
        return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC) if day else None

    return midnight(since), midnight(until + timedelta(days=1) if until else None)


def refusal(exc: WorkflowUpdateFailedError, refusals: dict[str, type[BatonError]]) -> BatonError:
    """The workflow validator's verdict as the error the caller sees."""
    cause = exc.cause
    if isinstance(cause, ApplicationError) and cause.type in refusals:
        problems = [d for d in cause.details if isinstance(d, dict)]
        return refusals[cause.type](details=problems)
    if isinstance(cause, ApplicationError) and cause.type == "action_expired":
        return EngineUnavailable()
    return BatonError(str(cause or exc))


async def execute_update(request: Request, workflow_id: str, update: str, argument: Any, *, update_id: str,
                         result_type: type, refusals: dict[str, type[BatonError]], closed: BatonError) -> Any:
    """Send a Workflow Update, bounded by ``action_timeout``: refusals map to their errors, a
    finished process to ``closed``, and no answer in time to 503 (the update carries the same
    deadline, so a late delivery is refused and nothing is recorded)."""
    timeout = request.app.state.settings.action_timeout
    try:
        client = await engine_handle(request).client(timeout=timeout)
        handle = client.get_workflow_handle(workflow_id)
        return await asyncio.wait_for(
            handle.execute_update(update, argument, id=update_id, result_type=result_type,
                                  rpc_timeout=timedelta(seconds=timeout)),
            timeout=timeout)
    except WorkflowUpdateFailedError as exc:
        raise refusal(exc, refusals) from exc
    except RPCError as exc:
        if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
            raise closed from exc
        raise EngineUnavailable() from exc
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as exc:
        raise EngineUnavailable() from exc
