"""Opening a settlement, disputing a line, resolving a dispute, recomputing: the web side of the
commission process.

Opening reserves the period's row (one per period: the row, not the workflow id, guards against
a second settlement), then starts ``commission-<period>``; when the engine does not answer, the
reservation is discarded and the caller gets 503 with nothing recorded. Everything else is a
Workflow Update whose validator knows where the settlement stands; the web layer checks first
what lives in the records (the line is the caller's, in the current draft; the dispute exists
and is open) so a refusal never enters the process history.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from temporalio.client import WorkflowFailureError
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from schemas import search
from schemas.commission import (
    COMMISSION_REFUSALS,
    DisputeIn,
    DisputeRequest,
    RecomputeRequest,
    ResolutionIn,
    ResolutionRequest,
    SettlementAlreadyExists,
    SettlementClosed,
    SettlementCreated,
    SettlementLocked,
    SettlementStart,
    SettlementState,
    SettlementStatus,
)
from schemas.commission_math import period_of
from schemas.kernel.errors import EngineUnavailable
from store.models import CommissionSettlement
from store.repo.commission import records as settlements
from store.repo.tasks import policies
from web.shared.auth import Principal, get_db, viewer_of
from web.shared.company_time import company_today
from web.shared.engine import action_deadline, engine_handle, execute_update
from web.tasks.actions import actor_of


async def open_settlement(request: Request, principal: Principal, period: str) -> SettlementCreated:
    db = get_db(request)

    def reserve() -> tuple[CommissionSettlement, SettlementStart]:
        with db.session() as session:
            row = settlements.open_settlement(
                session, period=period, actor_id=principal.id, current_period=period_of(company_today(request))
            )
            return row, SettlementStart(
                settlement_id=row.id, period=period, started_by=principal.id, policies=policies.snapshot(session)
            )

    row, start = await run_in_threadpool(reserve)
    settings = request.app.state.settings
    try:
        client = await engine_handle(request).client(timeout=settings.action_timeout)
        await asyncio.wait_for(
            client.start_workflow(
                "CommissionSettlement",
                start,
                id=row.workflow_id,
                task_queue=settings.temporal.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
                search_attributes=search.process_attributes("commission", period, SettlementStatus.computing.value),
                rpc_timeout=timedelta(seconds=settings.action_timeout),
            ),
            timeout=settings.action_timeout,
        )
    except WorkflowAlreadyStartedError as exc:  # the schedule's run for a period reopened by hand
        raise SettlementAlreadyExists() from exc
    except (TimeoutError, RPCError, WorkflowFailureError, EngineUnavailable) as exc:
        await run_in_threadpool(_discard, request, row.id)
        raise EngineUnavailable() from exc
    return SettlementCreated(period=period, status=SettlementStatus.computing, workflow_id=row.workflow_id)


def _discard(request: Request, settlement_id: int) -> None:
    with get_db(request).session() as session:
        settlements.discard(session, settlement_id)


async def dispute_line(request: Request, principal: Principal, period: str, body: DisputeIn) -> int:
    """An employee disputes a line of their own statement in the current draft."""

    def check() -> tuple[str, DisputeRequest]:
        with get_db(request).session() as session:
            row = _open(settlements.by_period(session, period))
            settlements.current_line(session, row, principal.id, body.payment_id, body.kind.value)
            settlements.already_disputed(session, row.id, principal.id, body.payment_id, body.kind.value)
            return row.workflow_id, DisputeRequest(
                actor=actor_of(principal),
                settlement_id=row.id,
                team_id=settlements.team_of_statement(session, row, principal.id),
                payment_id=body.payment_id,
                kind=body.kind,
                comment=body.comment,
                expires_at=action_deadline(request),
            )

    workflow_id, dispute = await run_in_threadpool(check)
    dispute_id: int = await execute_update(
        request,
        workflow_id,
        "dispute",
        dispute,
        update_id=f"{workflow_id}:dispute:{principal.id}:{body.payment_id}:{body.kind.value}",
        result_type=int,
        refusals=COMMISSION_REFUSALS,
        closed=SettlementClosed(),
    )
    return dispute_id


async def resolve_dispute(
    request: Request, principal: Principal, period: str, dispute_id: int, body: ResolutionIn
) -> SettlementState:
    def check() -> tuple[str, ResolutionRequest]:
        with get_db(request).session() as session:
            row = _open(settlements.by_period(session, period))
            found = settlements.dispute(session, row.id, dispute_id, viewer_of(principal))
            return row.workflow_id, ResolutionRequest(
                actor=actor_of(principal),
                dispute_id=found.id,
                team_id=found.team_id,
                decision=body.decision,
                amount=body.amount,
                reason=body.reason,
                expires_at=action_deadline(request),
            )

    workflow_id, resolution = await run_in_threadpool(check)
    state: SettlementState = await execute_update(
        request,
        workflow_id,
        "resolve_dispute",
        resolution,
        update_id=f"{workflow_id}:resolve:{dispute_id}",
        result_type=SettlementState,
        refusals=COMMISSION_REFUSALS,
        closed=SettlementClosed(),
    )
    return state


async def recompute(request: Request, principal: Principal, period: str) -> SettlementState:
    def check() -> CommissionSettlement:
        with get_db(request).session() as session:
            return _open(settlements.by_period(session, period))

    row = await run_in_threadpool(check)
    state: SettlementState = await execute_update(
        request,
        row.workflow_id,
        "recompute",
        RecomputeRequest(actor=actor_of(principal), expires_at=action_deadline(request)),
        update_id=f"{row.workflow_id}:recompute:r{row.run}",
        result_type=SettlementState,
        refusals=COMMISSION_REFUSALS,
        closed=SettlementClosed(),
    )
    return state


def _open(row: CommissionSettlement) -> CommissionSettlement:
    if row.status == SettlementStatus.locked.value:
        raise SettlementLocked()
    return row
