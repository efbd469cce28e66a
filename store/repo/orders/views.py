"""What an order looks like to people reading it: lines with list and floor prices, approvals,
who it waits on, what was collected and is still owed, the salesperson's note for the approvers —
for one order or a whole page of them in a few queries."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.tasks import TaskStatus
from store.models import Customer, Order, OrderLine, Service, Task
from store.repo.payments.money import collected_by_order, still_owed
from store.repo.tasks.records import current_holders


def order_view(session: Session, order: Order) -> dict[str, Any]:
    """Everything the order page and ``GET /api/orders/{id}`` show."""
    return order_views(session, [order])[0]


def order_views(session: Session, orders: list[Order]) -> list[dict[str, Any]]:
    """The views of a page of orders: one query each for approvals, customers, lines and money,
    plus who holds each order still waiting for a decision."""
    if not orders:
        return []
    ids = [order.id for order in orders]
    tasks: dict[str, list[Task]] = defaultdict(list)
    for task in session.scalars(
        select(Task)
        .where(Task.workflow_id.in_([o.workflow_id for o in orders if o.workflow_id]), Task.kind == "order_approval")
        .order_by(Task.created_at, Task.id)
    ):
        tasks[task.workflow_id].append(task)
    names = {
        customer_id: name
        for customer_id, name in session.execute(
            select(Customer.id, Customer.name).where(Customer.id.in_({o.customer_id for o in orders}))
        )
    }
    lines = lines_of(session, ids)
    collected = collected_by_order(session, ids)
    return [
        _view(
            session,
            order,
            tasks.get(order.workflow_id or "", []),
            names.get(order.customer_id, ""),
            lines[order.id],
            collected.get(order.id, Decimal(0)),
        )
        for order in orders
    ]


def lines_of(session: Session, order_ids: list[int]) -> dict[int, list[tuple[OrderLine, Service | None]]]:
    """Each order's lines in order, with the price-list entry of the service (None if it is gone)."""
    lines: dict[int, list[tuple[OrderLine, Service | None]]] = defaultdict(list)
    if not order_ids:
        return lines
    for line, service in session.execute(
        select(OrderLine, Service)
        .outerjoin(Service, Service.code == OrderLine.service_code)
        .where(OrderLine.order_id.in_(order_ids))
        .order_by(OrderLine.id)
    ):
        lines[line.order_id].append((line, service))
    return lines


def _view(
    session: Session,
    order: Order,
    tasks: list[Task],
    customer_name: str,
    lines: list[tuple[OrderLine, Service | None]],
    collected: Decimal,
) -> dict[str, Any]:
    open_task = next((t for t in tasks if t.status == TaskStatus.open), None)
    waiting: list[int] = []
    if open_task is not None:
        escalated = [open_task.escalated_to_id] if open_task.escalated_to_id else []
        waiting = list(dict.fromkeys([*current_holders(session, open_task), *escalated]))
    return {
        "id": order.id,
        "status": order.status,
        "current_step": order.current_step,
        "total": order.total,
        "revision": order.revision,
        "workflow_id": order.workflow_id,
        "customer_id": order.customer_id,
        "customer_name": customer_name,
        "owner_id": order.owner_id,
        "requested_date": order.requested_date,
        "created_at": order.created_at,
        "decided_at": order.decided_at,
        "approvals": [
            {
                "step": (t.context or {}).get("step", ""),
                "revision": (t.context or {}).get("revision", 1),
                "actor_id": t.completed_by,
                "decision": t.decision,
                "comment": t.comment,
                "at": t.closed_at,
            }
            for t in tasks
            if t.status == TaskStatus.done
        ],
        "lines": [
            {
                "service": line.service_code,
                "service_name": service.name if service else line.service_code,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "amount": line.amount,
                "list_price": service.list_price if service else None,
                "floor_price": service.floor_price if service else None,
            }
            for line, service in lines
        ],
        "waiting_on": waiting,
        "due_at": open_task.due_at if open_task else None,
        "open_task": open_task,
        "collected": collected.quantize(Decimal("0.01")),
        "outstanding": still_owed(order.status, order.total, collected),
        "note": order.note or "",
    }
