"""The web process's handle on Temporal: connected lazily, reconnected after failures, and the one
way a person's action reaches a process (a Workflow Update bounded in time).

The web app must start and serve pages even when Temporal is down; process actions then answer
503 ``engine_unavailable`` instead of hanging. Services take the :class:`EngineHandle`, the
:class:`Database` (for the action fences) and the settings the app serves under (its timeouts);
a route hands them ``engine_handle(request)``, ``get_db(request)`` and ``get_settings(request)``.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any, TypedDict, Unpack

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from temporalio.client import Client, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from schemas.kernel.config import Settings
from schemas.kernel.errors import ActionStillCompleting, BatonError, EngineUnavailable
from store.db import Database
from store.models.base import utcnow
from store.repo.tasks import fences as action_fences
from web.shared import temporal
from web.shared.counters import TASKS_CHANGED, counts_changed


class UpdateOptions(TypedDict):
    """How a Workflow Update is sent and answered (:meth:`EngineHandle.execute_update`)."""

    update_id: str  # derived from task + action: a repeat is answered with the first answer
    result_type: type
    refusals: dict[str, type[BatonError]]  # the validator's refusals, by type, as the caller's errors
    closed: BatonError  # what the caller hears when the process has finished


class EngineHandle:
    """The connection to Temporal, made as ``settings.temporal`` says on first use."""

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
                    self._client = await temporal.connect(self.settings.temporal, timeout=timeout)
                except Exception as exc:
                    raise EngineUnavailable() from exc
        return self._client

    async def execute_update(
        self,
        db: Database,
        settings: Settings,
        workflow_id: str,
        update: str,
        argument: Any,
        **options: Unpack[UpdateOptions],
    ) -> Any:
        """Send a Workflow Update, bounded by ``action_timeout``: refusals map to their errors, a
        finished process to ``closed``, and no answer in time to 503 — but only once the action's
        fence says it was not applied, so a person told 503 never finds it done later (the process
        refuses a fenced-off action), and one whose action was applied hears so.

        The same ``update_id`` for a repeated request lets the engine answer a repeat with the first
        answer; an id the web once gave up on is not reused, so the person can try again."""
        timeout, result_type, refusals = settings.action_timeout, options["result_type"], options["refusals"]
        attempt = await run_in_threadpool(_attempt_id, db, options["update_id"])
        try:
            client = await self.client(timeout=timeout)
            handle = client.get_workflow_handle(workflow_id)
            result = await asyncio.wait_for(
                handle.execute_update(
                    update, argument, id=attempt, result_type=result_type, rpc_timeout=timedelta(seconds=timeout)
                ),
                timeout=timeout,
            )
        except WorkflowUpdateFailedError as exc:
            raise refusal(exc, refusals) from exc
        except RPCError as exc:
            if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
                raise options["closed"] from exc
            result = await self.after_giving_up(db, settings, workflow_id, attempt, result_type, refusals, exc)
        except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError, EngineUnavailable) as exc:
            result = await self.after_giving_up(db, settings, workflow_id, attempt, result_type, refusals, exc)
        counts_changed(TASKS_CHANGED)  # a person's accepted action may close or withdraw tasks
        return result

    async def after_giving_up(
        self,
        db: Database,
        settings: Settings,
        workflow_id: str,
        attempt: str,
        result_type: type,
        refusals: dict[str, type[BatonError]],
        cause: BaseException,
    ) -> Any:
        """No answer in time: fence the action off and answer 503, unless the process applied it
        first — then wait once more for its answer, or say it is recorded and still completing."""

        def abandon() -> bool:
            with db.session() as session:
                return action_fences.abandon(session, attempt)

        if await run_in_threadpool(abandon):
            raise EngineUnavailable() from cause
        timeout = settings.action_timeout
        try:
            client = await self.client(timeout=timeout)
            update = client.get_workflow_handle(workflow_id).get_update_handle(attempt, result_type=result_type)
            return await asyncio.wait_for(update.result(rpc_timeout=timedelta(seconds=timeout)), timeout=timeout)
        except WorkflowUpdateFailedError as exc:
            raise refusal(exc, refusals) from exc
        except (TimeoutError, RPCError, WorkflowUpdateRPCTimeoutOrCancelledError, EngineUnavailable) as exc:
            raise ActionStillCompleting() from exc


def action_expires_at(settings: Settings) -> datetime:
    """When a person's action stops counting: a workflow refuses it if delivered later, so an
    action answered with 503 is never recorded afterwards."""
    return utcnow() + timedelta(seconds=settings.action_timeout + settings.process_clock_lead)


def _attempt_id(db: Database, update_id: str) -> str:
    with db.session() as session:
        return action_fences.attempt_id(session, update_id)


def refusal(exc: WorkflowUpdateFailedError, refusals: dict[str, type[BatonError]]) -> BatonError:
    """The workflow validator's verdict as the error the caller sees."""
    cause = exc.cause
    if isinstance(cause, ApplicationError) and cause.type in refusals:
        problems = [d for d in cause.details if isinstance(d, dict)]
        return refusals[cause.type](details=problems)
    if isinstance(cause, ApplicationError) and cause.type == "action_expired":
        return EngineUnavailable()
    return BatonError(str(cause or exc))


# ----------------------------------------------------------------------------- for routes
def engine_handle(request: Request) -> EngineHandle:
    handle: EngineHandle = request.app.state.engine
    return handle
