"""Reads behind the order pages: list rows with who the order waits on and what it still owes, the
approver's queue (each approval with what a manager decides from: seller, lines, note, warnings),
and an order's process timeline. Batch reads (one query per kind of thing, not per row) so a page of
orders or approvals costs the same few queries however long it is.

Visibility is decided elsewhere and applied first: the rows come from ``orders.list_orders`` /
``orders.visible`` (order scoping) and ``tasks.holder_filter`` (task holders).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from schemas.orders import OrderStatus
from schemas.tasks import TaskStatus
from store.models import AuditEntry, Customer, Employee, Order, Task
from store.repo.orders.views import lines_of
from store.repo.payments.money import collected_by_order, still_owed
from store.repo.tasks.records import current_holders, holder_filter

APPROVAL_KIND = "order_approval"


@dataclass
class OrderRow:
    """One line of the order list."""

    order: Order
    customer_name: str
    waiting_on: list[int] = field(default_factory=list)
    due_at: datetime | None = None
    overdue: bool = False
    outstanding: Decimal | None = None  # what an approved order still owes


@dataclass
class QueueRow:
    """One approval waiting for the reader: the task and the order it decides."""

    task: Task
    order: Order
    customer_name: str
    seller_name: str = ""
    stored_lines: list[dict[str, Any]] = field(default_factory=list)  # for a task opened without its lines

    @property
    def warnings(self) -> list[dict[str, Any]]:
        return list((self.task.context or {}).get("warnings") or [])

    @property
    def seller(self) -> str:
        return str((self.task.context or {}).get("seller") or self.seller_name)

    @property
    def note(self) -> str:
        return str((self.task.context or {}).get("note", self.order.note or ""))

    @property
    def lines(self) -> list[dict[str, Any]]:
        """The lines the approver is asked about: those of the revision the task was opened for."""
        found = (self.task.context or {}).get("lines")
        return list(found) if isinstance(found, list) else self.stored_lines

    @property
    def step(self) -> str:
        return str((self.task.context or {}).get("step", ""))

    @property
    def total(self) -> Decimal:
        return Decimal(str((self.task.context or {}).get("total", self.order.total)))


def _customer_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {row.id: row.name for row in session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(ids)))}


def waiting_on(session: Session, task: Task) -> list[int]:
    """Who may act on an open approval now: its holders, and whoever it escalated to."""
    escalated = [task.escalated_to_id] if task.escalated_to_id else []
    return list(dict.fromkeys([*current_holders(session, task), *escalated]))


def order_rows(session: Session, orders: list[Order]) -> list[OrderRow]:
    workflow_ids = [o.workflow_id for o in orders if o.workflow_id]
    open_tasks = (
        {
            t.workflow_id: t
            for t in session.scalars(
                select(Task)
                .where(Task.workflow_id.in_(workflow_ids), Task.kind == APPROVAL_KIND, Task.status == TaskStatus.open)
                .order_by(Task.created_at)
            )
        }
        if workflow_ids
        else {}
    )
    customers = _customer_names(session, {o.customer_id for o in orders})
    collected = collected_by_order(session, [o.id for o in orders if o.status == OrderStatus.approved])
    rows = []
    for order in orders:
        task = open_tasks.get(order.workflow_id or "")
        rows.append(
            OrderRow(
                order=order,
                customer_name=customers.get(order.customer_id, ""),
                waiting_on=waiting_on(session, task) if task else [],
                due_at=task.due_at if task else None,
                overdue=bool(task and task.overdue),
                outstanding=still_owed(order.status, order.total, collected.get(order.id, Decimal("0"))),
            )
        )
    return rows


def approval_queue(
    session: Session, *, employee_id: int, roles: frozenset[str], team_id: int | None, limit: int = 50, offset: int = 0
) -> tuple[list[QueueRow], int]:
    """The open order approvals the reader holds (assigned, their role's unclaimed, escalated to
    them, delegated from them), overdue first, then by due time."""
    conditions = [
        holder_filter(employee_id, roles, team_id),
        Task.kind == APPROVAL_KIND,
        Task.status == TaskStatus.open,
    ]
    total = session.scalar(select(func.count()).select_from(Task).where(*conditions)) or 0
    query = (
        select(Task, Order, Customer.name, Employee.name)
        .join(Order, Order.workflow_id == Task.workflow_id)
        .join(Customer, Customer.id == Order.customer_id)
        .join(Employee, Employee.id == Order.owner_id)
        .where(*conditions)
        .order_by(Task.overdue.desc(), Task.due_at, Task.id)
        .limit(limit)
        .offset(offset)
    )
    rows = [
        QueueRow(task=task, order=order, customer_name=name, seller_name=seller)
        for task, order, name, seller in session.execute(query)
    ]
    return _with_stored_lines(session, rows), total


def _with_stored_lines(session: Session, rows: list[QueueRow]) -> list[QueueRow]:
    """Approvals opened before their task carried the lines read them from the order."""
    missing = [row for row in rows if not isinstance((row.task.context or {}).get("lines"), list)]
    stored = lines_of(session, [row.order.id for row in missing])
    for row in missing:
        row.stored_lines = [
            {
                "service": line.service_code,
                "service_name": service.name if service else line.service_code,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "amount": line.amount,
            }
            for line, service in stored.get(row.order.id, [])
        ]
    return rows


def order_timeline(session: Session, order: Order) -> list[tuple[AuditEntry, Task | None]]:
    """What happened to the order, oldest first: its own audit entries (submitted, decided,
    payments) and those of its approval tasks (opened, reminders, overdue notices, escalations,
    decisions), each with the task it concerns."""
    tasks = (
        {t.id: t for t in session.scalars(select(Task).where(Task.workflow_id == order.workflow_id))}
        if order.workflow_id
        else {}
    )
    own = and_(AuditEntry.entity == "order", AuditEntry.entity_id == str(order.id))
    of_tasks = and_(AuditEntry.entity == "task", AuditEntry.entity_id.in_(list(tasks)))
    entries = session.scalars(
        select(AuditEntry).where(or_(own, of_tasks) if tasks else own).order_by(AuditEntry.id).limit(500)
    )
    return [(entry, tasks.get(entry.entity_id) if entry.entity == "task" else None) for entry in entries]


def queue_row(session: Session, task: Task) -> QueueRow | None:
    """One approval with its order, e.g. again right after someone decided it."""
    found = session.execute(
        select(Order, Customer.name, Employee.name)
        .join(Customer, Customer.id == Order.customer_id)
        .join(Employee, Employee.id == Order.owner_id)
        .where(Order.workflow_id == task.workflow_id)
    ).first()
    if found is None:
        return None
    return _with_stored_lines(
        session, [QueueRow(task=task, order=found[0], customer_name=found[1], seller_name=found[2])]
    )[0]
