"""The approval queue: the order approvals waiting for me, each a card with what a manager decides
from without opening the order — customer, seller, the lines (service, quantity, unit price, line
total), the total, the salesperson's note, the warnings in words — and its due time, approved or
rejected right on the card (a phone is enough), and for managers a bulk approve of the cards they tick.

Every decision goes through ``task_actions.complete_task``, the same Workflow Update as the task
page and the API, so the workflow's validator decides who may act and that a rejection carries a
comment. A bulk approve is one such update per row; the answer says, row by row, what was
recorded and what was refused and why. The queue is for the roles that approve orders (team
managers, the department head, finance); anyone else standing in as a delegate acts from the inbox.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from schemas.kernel.errors import BatonError, NotFound
from schemas.kernel.i18n import gettext_
from schemas.org import Role
from schemas.tasks import CompleteTaskIn
from store.db import Database
from store.repo.orders import pages as order_pages
from web.orders.labels import warning_text
from web.shared.auth import Principal, get_db, require_roles
from web.shared.csrf import verify_csrf
from web.shared.labels import problem_text
from web.shared.templating import render
from web.tasks import actions as task_actions
from web.tasks.process_engine import ProcessEngine
from web.tasks.visible import visible_task

router = APIRouter(prefix="/approvals", tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])
APPROVER_ROLES = (Role.sales_manager, Role.department_head, Role.finance)
BULK_ROLES = (Role.sales_manager, Role.department_head)
Approver = Annotated[Principal, Depends(require_roles(*APPROVER_ROLES, page=True))]
BulkApprover = Annotated[Principal, Depends(require_roles(*BULK_ROLES, page=True))]
PAGE_SIZE = 25
MAX_BULK = 50


@dataclass(frozen=True)
class Outcome:
    """What became of one decision: recorded, or refused with the reasons in the reader's words."""

    task_id: str
    action: str
    status: int = 200
    problems: tuple[str, ...] = ()

    @property
    def recorded(self) -> bool:
        return not self.problems

    @property
    def order_id(self) -> str:
        return self.task_id.removeprefix("order-").split(":", 1)[0]


@router.get("")
def approval_queue(request: Request, user: Approver, page: Annotated[int, Query(ge=1, le=10_000)] = 1) -> Response:
    template = "orders/_queue.html" if request.headers.get("hx-request") else "orders/approvals.html"
    return render(request, template, _queue(get_db(request), user, page))


@router.post("/bulk")
async def bulk_approve(
    request: Request,
    user: BulkApprover,
    task_id: Annotated[list[str], Form(max_length=120)] = [],  # noqa: B006
) -> Response:
    """Approve every ticked row, each through its own update; report row by row."""
    chosen = list(dict.fromkeys(task_id))[:MAX_BULK]
    db, engine = get_db(request), ProcessEngine.of(request)
    outcomes = list(await asyncio.gather(*(_decide(db, engine, user, t, "approve", None) for t in chosen)))
    context = await run_in_threadpool(_queue, db, user, 1)
    context.update({"outcomes": outcomes, "nothing_chosen": not chosen})
    return render(request, "orders/_queue.html", context, status_code=200 if chosen else 422)


@router.post("/{task_id}")
async def decide(
    task_id: str,
    request: Request,
    user: Approver,
    action: Annotated[str, Form(max_length=40)] = "",
    comment: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Approve or reject one row; the row comes back as it now stands."""
    db = get_db(request)
    outcome = await _decide(db, ProcessEngine.of(request), user, task_id, action, comment.strip() or None)
    row = await run_in_threadpool(_row, db, user, task_id)
    context = {"row": row, "outcome": outcome, "bulk": user.has(*BULK_ROLES), "comment": comment}
    return render(request, "orders/_approval.html", context, status_code=outcome.status)


# ---------------------------------------------------------------- helpers
async def _decide(
    db: Database, engine: ProcessEngine, user: Principal, task_id: str, action: str, comment: str | None
) -> Outcome:
    try:
        task = await task_actions.load_task(db, user, task_id)
        if task.kind != order_pages.APPROVAL_KIND or action not in (task.actions or []):
            raise NotFound()
        await task_actions.complete_task(db, engine, user, task_id, CompleteTaskIn(action=action, comment=comment))
    except BatonError as exc:
        reasons = [problem_text(d) for d in exc.details if isinstance(d, dict) and d.get("code")]
        return Outcome(
            task_id=task_id, action=action, status=exc.status, problems=(gettext_(exc.message, **exc.params), *reasons)
        )
    return Outcome(task_id=task_id, action=action)


def _queue(db: Database, user: Principal, page: int) -> dict[str, Any]:
    with db.session() as session:
        rows, total = order_pages.approval_queue(
            session,
            employee_id=user.id,
            roles=user.roles,
            team_id=user.team_id,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
    return {
        "rows": [_shown(row) for row in rows],
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "bulk": user.has(*BULK_ROLES),
        "outcomes": [],
    }


def _row(db: Database, user: Principal, task_id: str) -> dict[str, Any] | None:
    """One row after a decision (closed now, or still open with the refusal beside it)."""
    with db.session() as session:
        task = visible_task(session, user, task_id)
        row = order_pages.queue_row(session, task) if task is not None else None
    return _shown(row) if row is not None else None


def _shown(row: order_pages.QueueRow) -> dict[str, Any]:
    return {
        "task": row.task,
        "order": row.order,
        "customer_name": row.customer_name,
        "step": row.step,
        "total": row.total,
        "warnings": [warning_text(w) for w in row.warnings],
        "seller": row.seller,
        "note": row.note,
        "lines": row.lines,
    }
