"""Starting, completing and cancelling an offboarding: the web side of the workflow's Updates.

Starting reserves the case row (one open case per employee), then starts ``offboarding-<employee>``
together with its ``started`` Update (update-with-start): the answer comes once the order freeze
is on and the checklist exists. When the engine does not answer, the reservation is discarded and
the caller gets 503 with nothing recorded.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from temporalio.client import (
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.service import RPCError

from schemas import search
from schemas.kernel.errors import EngineUnavailable, Forbidden
from schemas.offboarding import (
    OFFBOARDING_REFUSALS,
    CancelRequest,
    CompleteRequest,
    OffboardingClosed,
    OffboardingCreated,
    OffboardingIn,
    OffboardingStart,
    OffboardingState,
    OffboardingStatus,
)
from store.models import Offboarding
from store.repo.offboarding import records as case_repo
from store.repo.tasks import policies
from web.shared.auth import Principal, get_db, viewer_of
from web.shared.company_time import company_today
from web.shared.engine import action_deadline, engine_handle, execute_update
from web.tasks.actions import actor_of


def last_day_ends(request: Request, last_day: date) -> datetime:
    """The end of the last working day in company time, as UTC."""
    zone = ZoneInfo(request.app.state.settings.timezone)
    return datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


async def start_offboarding(request: Request, principal: Principal, body: OffboardingIn) -> OffboardingCreated:
    db = get_db(request)

    def reserve() -> tuple[Offboarding, OffboardingStart]:
        with db.session() as session:
            case, employee = case_repo.open_case(
                session,
                actor=viewer_of(principal),
                employee_id=body.employee_id,
                reason=body.reason,
                last_day=body.last_day,
                today=company_today(request),
            )
            return case, OffboardingStart(
                offboarding_id=case.id,
                employee_id=employee.id,
                employee_name=employee.name,
                started_by=principal.id,
                started_at=case.started_at,
                last_day_ends=last_day_ends(request, body.last_day),
                policies=policies.snapshot(session),
            )

    case, start = await run_in_threadpool(reserve)
    settings = request.app.state.settings
    try:
        client = await engine_handle(request).client(timeout=settings.action_timeout)
        operation: WithStartWorkflowOperation[OffboardingStart, OffboardingState] = WithStartWorkflowOperation(
            "Offboarding",
            start,
            id=case.workflow_id,
            task_queue=settings.temporal.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
            search_attributes=search.process_attributes("offboarding", start.employee_name, "handover"),
        )
        await asyncio.wait_for(
            client.execute_update_with_start_workflow(
                "started",
                start_workflow_operation=operation,
                id=f"{case.workflow_id}:started:{uuid.uuid4().hex[:12]}",
                result_type=OffboardingState,
                rpc_timeout=timedelta(seconds=settings.action_timeout),
            ),
            timeout=settings.action_timeout,
        )
    except (
        TimeoutError,
        RPCError,
        WorkflowUpdateFailedError,
        WorkflowUpdateRPCTimeoutOrCancelledError,
        EngineUnavailable,
    ) as exc:
        await _discard(request, case.id)
        raise EngineUnavailable() from exc
    return OffboardingCreated(id=case.id, workflow_id=case.workflow_id, status=OffboardingStatus.handover)


async def _discard(request: Request, case_id: int) -> None:
    def discard() -> None:
        with get_db(request).session() as session:
            case_repo.discard_case(session, case_id)

    await run_in_threadpool(discard)


async def _case_for_hr(request: Request, principal: Principal, case_id: int) -> Offboarding:
    def read() -> Offboarding:
        with get_db(request).session() as session:
            return case_repo.readable(session, viewer_of(principal), case_id)

    case = await run_in_threadpool(read)
    if not principal.has("hr") or principal.id == case.employee_id:
        raise Forbidden()
    if case.open_for is None:
        raise OffboardingClosed()
    return case


async def complete_offboarding(
    request: Request,
    principal: Principal,
    case_id: int,
    comment: str | None,
    *,
    early: bool = False,
    early_reason: str | None = None,
) -> OffboardingState:
    """HR's final confirmation; refused with every blocker while anything is open, and before the
    last working day unless confirmed as an early departure with its reason."""
    return await _hr_acts(
        request,
        principal,
        case_id,
        "complete",
        CompleteRequest(
            actor=actor_of(principal),
            comment=comment,
            early=early,
            early_reason=(early_reason or "").strip() or None,
            expires_at=action_deadline(request),
        ),
    )


async def cancel_offboarding(request: Request, principal: Principal, case_id: int, reason: str) -> OffboardingState:
    return await _hr_acts(
        request,
        principal,
        case_id,
        "cancel",
        CancelRequest(actor=actor_of(principal), reason=reason, expires_at=action_deadline(request)),
    )


async def _hr_acts(
    request: Request, principal: Principal, case_id: int, update: str, argument: CompleteRequest | CancelRequest
) -> OffboardingState:
    """One update id per case and verb: a double click applies once."""
    case = await _case_for_hr(request, principal, case_id)
    state: OffboardingState = await execute_update(
        request,
        case.workflow_id,
        update,
        argument,
        update_id=f"{case.workflow_id}:{case.id}:{update}",
        result_type=OffboardingState,
        refusals=OFFBOARDING_REFUSALS,
        closed=OffboardingClosed(),
    )
    return state
