"""Submitting, revising and cancelling orders: the web side of the order workflow's Updates.

A new order reserves its id (a ``draft`` row nobody lists), then starts ``order-<id>`` together
with its ``submit`` Update (update-with-start), so the check runs in the workflow's activity
and the salesperson gets 201 or every failed check at once (422 ``order_invalid``). The 201
comes once the first approval task is open and names it (``next_task``), as does a resubmission. That
update's id is unique per attempt: a discarded draft's id may be reused by the database, and
Temporal answers a repeated update id on a closed run with the old run's outcome. A refused
or unconfirmed first submission leaves nothing: the activity or this module discards the draft.
Bad input (unknown customer or service, a past date) is refused here, before anything is written.

The routes pass what these take: the database, the engine (web/tasks/process_engine.py), the
acting person and, where a date is judged, today's company date.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from datetime import date, timedelta

from starlette.concurrency import run_in_threadpool
from temporalio.client import (
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from schemas import search
from schemas.kernel.errors import N_, ActionStillCompleting, BatonError, EngineUnavailable, InvalidInput
from schemas.order_answers import OrderCreated
from schemas.orders import (
    ORDER_REFUSALS,
    CancelRequest,
    NotOrderOwner,
    OrderIn,
    OrderInvalid,
    OrderLineIn,
    OrderNotCancellable,
    OrderNotEditable,
    OrderStart,
    OrderState,
    OrderStatus,
    ResubmitIn,
    Submission,
    SubmissionResult,
)
from schemas.tasks import Actor
from store.db import Database
from store.models import Order
from store.repo.orders import records as order_repo
from store.repo.tasks import policies
from web.shared.auth import Principal, viewer_of
from web.shared.engine import refusal
from web.tasks.process_engine import ProcessEngine


def _input_problems(
    today: date, requested_date: date, lines: list[OrderLineIn], known_services: set[str]
) -> list[dict[str, str]]:
    problems = []
    if requested_date < today:
        problems.append(
            {"field": "requested_date", "code": "date_in_past", "message": N_("The requested date is in the past.")}
        )
    for index, line in enumerate(lines):
        if line.service not in known_services:
            problems.append(
                {"field": f"lines.{index}.service", "code": "unknown_service", "message": N_("No such service.")}
            )
    return problems


def _submission_refused(result: SubmissionResult) -> OrderInvalid:
    return OrderInvalid(details=[problem.detail() for problem in result.problems])


async def submit_order(
    db: Database, engine: ProcessEngine, principal: Principal, body: OrderIn, today: date
) -> OrderCreated:
    """Submit under a fresh order id; should the engine already run a process of that id (its
    history outlived a database restored from an older backup), the draft goes and the next id is
    tried, so the salesperson never meets a process that is not theirs."""
    for _ in range(ID_ATTEMPTS - 1):
        try:
            return await _submit_once(db, engine, principal, body, today)
        except WorkflowAlreadyStartedError:
            continue
    try:
        return await _submit_once(db, engine, principal, body, today)
    except WorkflowAlreadyStartedError as exc:
        raise EngineUnavailable() from exc


ID_ATTEMPTS = 3
CANCELLABLE = (OrderStatus.pending_approval, OrderStatus.rejected)  # the owner may still withdraw it


async def _submit_once(
    db: Database, engine: ProcessEngine, principal: Principal, body: OrderIn, today: date
) -> OrderCreated:
    def reserve() -> tuple[Order, str, OrderStart]:
        with db.session() as session:
            customer = order_repo.orderable_customer(session, body.customer_id)
            problems = (
                []
                if customer is not None
                else [{"field": "customer_id", "code": "unknown_customer", "message": N_("No such customer.")}]
            )
            known = set(order_repo.services_by_code(session, sorted({line.service for line in body.lines})))
            problems += _input_problems(today, body.requested_date, body.lines, known)
            if problems:
                raise InvalidInput(details=problems)
            assert customer is not None
            order = order_repo.reserve_draft(
                session,
                owner_id=principal.id,
                customer_id=customer.id,
                requested_date=body.requested_date,
                note=body.note,
            )
            return (
                order,
                customer.name,
                OrderStart(order_id=order.id, owner_id=principal.id, policies=policies.snapshot(session)),
            )

    order, subject, start = await run_in_threadpool(reserve)
    submission = Submission(
        order_id=order.id,
        revision=1,
        actor=Actor(id=principal.id),
        lines=body.lines,
        requested_date=body.requested_date,
        note=body.note,
        expires_at=engine.deadline(),
    )
    settings = engine.settings
    workflow_id = f"order-{order.id}"
    update_id = f"{workflow_id}:submit:1:{uuid.uuid4().hex[:12]}"
    try:
        client = await engine.client()
        operation: WithStartWorkflowOperation[OrderStart, OrderState] = WithStartWorkflowOperation(
            "OrderApproval",
            start,
            id=workflow_id,
            task_queue=settings.temporal.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            search_attributes=search.process_attributes("order", subject, "submitted"),
        )
        result: SubmissionResult = await asyncio.wait_for(
            client.execute_update_with_start_workflow(
                "submit",
                submission,
                start_workflow_operation=operation,
                id=update_id,
                result_type=SubmissionResult,
                rpc_timeout=timedelta(seconds=settings.action_timeout),
            ),
            timeout=settings.action_timeout,
        )
    except WorkflowUpdateFailedError as exc:
        await _discard(db, order.id)
        raise refusal(exc, ORDER_REFUSALS) from exc
    except WorkflowAlreadyStartedError:
        await _discard(db, order.id)
        raise
    except (TimeoutError, RPCError, WorkflowUpdateRPCTimeoutOrCancelledError, EngineUnavailable) as exc:
        try:  # fenced off (503: the draft goes) unless the process applied the submission first
            result = await engine.after_giving_up(workflow_id, update_id, SubmissionResult, ORDER_REFUSALS, exc)
        except ActionStillCompleting as recorded:  # the process has it: say which order it is
            raise ActionStillCompleting(details=[{"id": order.id, "workflow_id": workflow_id}]) from recorded
        except BatonError:  # 503, or the process refused it after all: nothing is left
            await _discard(db, order.id)
            raise
    if not result.accepted:
        raise _submission_refused(result)
    return OrderCreated(
        id=order.id,
        status=result.status or OrderStatus.pending_approval,
        workflow_id=workflow_id,
        next_task=result.next_task,
    )


async def _discard(db: Database, order_id: int) -> None:
    def discard() -> None:
        with db.session() as session:
            order_repo.discard_draft(session, order_id)

    await run_in_threadpool(discard)


async def _own_order(db: Database, principal: Principal, order_id: int) -> Order:
    """The caller's own order (404 when they may not see it, 403 when it is someone else's)."""

    def read() -> Order:
        with db.session() as session:
            return order_repo.visible(session, viewer_of(principal), order_id)

    order = await run_in_threadpool(read)
    if order.owner_id != principal.id:
        raise NotOrderOwner()
    return order


async def resubmit_order(
    db: Database, engine: ProcessEngine, principal: Principal, order_id: int, body: ResubmitIn, today: date
) -> SubmissionResult:
    """A rejected order revised: revision + 1 and the chain starts again. Answers once the first
    approval task of the revision is open (``next_task``), or the order was decided first."""
    order = await _own_order(db, principal, order_id)
    if order.status != OrderStatus.rejected or order.workflow_id is None:
        raise OrderNotEditable()
    requested_date = body.requested_date or order.requested_date

    def known_services() -> set[str]:
        with db.session() as session:
            return set(order_repo.services_by_code(session, sorted({line.service for line in body.lines})))

    problems = _input_problems(today, requested_date, body.lines, await run_in_threadpool(known_services))
    if problems:
        raise InvalidInput(details=problems)
    revision = order.revision + 1
    submission = Submission(
        order_id=order.id,
        revision=revision,
        actor=Actor(id=principal.id),
        lines=body.lines,
        requested_date=requested_date,
        note=order.note if body.note is None else body.note,
        expires_at=engine.deadline(),
    )
    # A double click sends the same revision twice and it applies once; a changed revision after a
    # refused one is a new update (Temporal would answer a repeated id with the earlier outcome).
    content = hashlib.sha256(submission.model_dump_json(include={"lines", "requested_date", "note"}).encode())
    result: SubmissionResult = await engine.update(
        order.workflow_id,
        "submit",
        submission,
        update_id=f"{order.workflow_id}:submit:{revision}:{content.hexdigest()[:16]}",
        result_type=SubmissionResult,
        refusals=ORDER_REFUSALS,
        closed=OrderNotEditable(),
    )
    if not result.accepted:
        raise _submission_refused(result)
    return result


async def cancel_order(
    db: Database, engine: ProcessEngine, principal: Principal, order_id: int, reason: str = ""
) -> OrderState:
    order = await _own_order(db, principal, order_id)
    if order.status not in CANCELLABLE or order.workflow_id is None:
        raise OrderNotCancellable()
    state: OrderState = await engine.update(
        order.workflow_id,
        "cancel",
        CancelRequest(actor=Actor(id=principal.id), reason=reason, expires_at=engine.deadline()),
        update_id=f"{order.workflow_id}:cancel",
        result_type=OrderState,
        refusals=ORDER_REFUSALS,
        closed=OrderNotCancellable(),
    )
    return state
