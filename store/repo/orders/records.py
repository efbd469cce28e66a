"""Orders: reserving an order's id, applying an accepted submission, recording outcomes, and the
views people read (who may see which order, its approvals, who it waits on).

State changes come from the order workflow's activities; the web layer only reserves the id of a
new order (a ``draft`` row nobody lists) and discards it when its first submission is refused.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, delete, false, func, or_, select, update
from sqlalchemy.orm import Session

from schemas.kernel.errors import NotFound
from schemas.orders import APPROVALS, OrderLineIn, OrderOutcome, OrderStatus, Submission
from store.models import Customer, Employee, Order, OrderLine, Service, Task
from store.models.base import utcnow
from store.repo.audit import chain as audit
from store.repo.customers.visibility import Viewer, managed_team_ids
from store.repo.orders import capacity
from store.repo.orders.checks import line_amount
from store.repo.payments.money import collected_by_order
from store.repo.shared.record_ids import fresh_id

TERMINAL = {OrderStatus.approved, OrderStatus.expired, OrderStatus.cancelled}
RELEASES_CAPACITY = {OrderStatus.rejected, OrderStatus.expired, OrderStatus.cancelled}


class CapacityTaken(Exception):
    """Raised inside the submission transaction so it rolls back; carries what did not fit."""

    def __init__(self, shortfalls: list[capacity.Shortfall]) -> None:
        super().__init__("capacity taken")
        self.shortfalls = shortfalls


# ---------------------------------------------------------------- writing
def reserve_draft(session: Session, *, owner_id: int, customer_id: int, requested_date: date, note: str) -> Order:
    """The id (and ``order-<id>`` workflow id) of an order about to be submitted: never one a
    discarded draft had, whose process may still be running."""
    order = Order(
        id=fresh_id(session, Order),
        customer_id=customer_id,
        owner_id=owner_id,
        status=OrderStatus.draft,
        requested_date=requested_date,
        total=Decimal("0"),
        revision=0,
        note=note,
    )
    session.add(order)
    session.flush()
    order.workflow_id = f"order-{order.id}"
    return order


def discard_draft(session: Session, order_id: int) -> None:
    """A refused or unconfirmed first submission leaves nothing behind."""
    session.execute(delete(Order).where(Order.id == order_id, Order.status == OrderStatus.draft))


def apply_submission(session: Session, submission: Submission, total: Decimal) -> bool:
    """Make the checked submission the order's current revision and reserve its capacity, in one
    transaction; False when this revision was applied already (a retried activity).

    Raises :class:`CapacityTaken` when a racing order took the last of a day's capacity since the
    check, so the caller's transaction rolls back and nothing is written."""
    changed = session.execute(
        update(Order)
        .where(
            Order.id == submission.order_id,
            Order.status.in_([OrderStatus.draft, OrderStatus.rejected]),
            Order.revision < submission.revision,
        )
        .values(
            status=OrderStatus.pending_approval,
            revision=submission.revision,
            total=total,
            requested_date=submission.requested_date,
            current_step=APPROVALS[0].step,  # every chain starts with the first step
            decided_at=None,
            note=submission.note,
        )
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.execute(delete(OrderLine).where(OrderLine.order_id == submission.order_id))
    session.add_all(
        OrderLine(
            order_id=submission.order_id,
            service_code=line.service,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line_amount(line),
        )
        for line in submission.lines
    )
    needs = capacity.needs_of((line.service, line.quantity) for line in submission.lines)
    short = capacity.reserve(session, submission.order_id, submission.requested_date, needs)
    if short:
        raise CapacityTaken(short)
    audit.record(
        session,
        actor_id=submission.actor.id,
        action="order.submitted",
        entity="order",
        entity_id=submission.order_id,
        detail={
            "revision": submission.revision,
            "total": str(total),
            "note": submission.note,
            "requested_date": submission.requested_date.isoformat(),
            "lines": [
                {"service": line.service, "quantity": line.quantity, "unit_price": str(line.unit_price)}
                for line in submission.lines
            ],
        },
    )
    return True


def record_outcome(session: Session, outcome: OrderOutcome) -> Order | None:
    """Write where the order stands; give its capacity back when it ends unapproved. Applying the
    same outcome twice changes nothing the second time (the order is returned only on a change)."""
    values: dict[str, Any] = {
        "status": outcome.status,
        "current_step": outcome.current_step,
    }
    if outcome.status != OrderStatus.pending_approval:
        values["decided_at"] = utcnow()
    changed = session.execute(
        update(Order)
        .where(
            Order.id == outcome.order_id,
            Order.revision == outcome.revision,
            or_(Order.status != outcome.status, Order.current_step.is_distinct_from(values["current_step"])),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    if outcome.status in RELEASES_CAPACITY:
        capacity.release(session, outcome.order_id)
    if outcome.status != OrderStatus.pending_approval:
        audit.record(
            session,
            actor_id=outcome.actor_id,
            action=f"order.{outcome.status.value}",
            entity="order",
            entity_id=outcome.order_id,
            detail={"revision": outcome.revision, "comment": outcome.comment},
        )
    return session.get(Order, outcome.order_id)


# ---------------------------------------------------------------- services
def list_services(session: Session) -> list[Service]:
    return list(session.scalars(select(Service).order_by(Service.code)))


def create_service(session: Session, *, actor_id: int, fields: dict[str, Any]) -> Service:
    service = Service(**fields)
    session.add(service)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="service.created",
        entity="service",
        entity_id=service.code,
        detail={k: str(v) for k, v in fields.items()},
    )
    return service


def services_by_code(session: Session, codes: list[str]) -> dict[str, Service]:
    return {s.code: s for s in session.scalars(select(Service).where(Service.code.in_(codes)))}


# ---------------------------------------------------------------- who sees what
def order_condition(session: Session, viewer: Viewer) -> ColumnElement[bool]:
    """Owner; their managers (the teams a manager leads, and direct reports); finance, department
    head and admin all; HR none. Draft rows are nobody's business."""
    if viewer.has("admin", "finance", "department_head"):
        return Order.status != OrderStatus.draft
    if viewer.has("sales_manager"):
        teams = managed_team_ids(session, viewer)
        reports = select(Employee.id).where(or_(Employee.manager_id == viewer.id, Employee.team_id.in_(teams)))
        seen = or_(Order.owner_id == viewer.id, Order.owner_id.in_(reports))
    elif viewer.has("sales"):
        seen = Order.owner_id == viewer.id
    else:
        return false()
    return seen & (Order.status != OrderStatus.draft)


def visible(session: Session, viewer: Viewer, order_id: int) -> Order:
    order = session.scalar(select(Order).where(Order.id == order_id, order_condition(session, viewer)))
    if order is None:
        raise NotFound()
    return order


def list_orders(
    session: Session,
    viewer: Viewer,
    *,
    status: str | None = None,
    owner_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Order], int]:
    query = select(Order).where(order_condition(session, viewer))
    if status:
        query = query.where(Order.status == status)
    if owner_id is not None:
        query = query.where(Order.owner_id == owner_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Order.created_at.desc(), Order.id.desc()).limit(limit).offset(offset))
    return list(rows), total


# ---------------------------------------------------------------- reading one order
def approval_tasks(session: Session, order: Order) -> list[Task]:
    return list(
        session.scalars(
            select(Task)
            .where(Task.workflow_id == order.workflow_id, Task.kind == "order_approval")
            .order_by(Task.created_at, Task.id)
        )
    )


def stored_lines(session: Session, order: Order) -> list[OrderLineIn]:
    return [
        OrderLineIn(service=line.service_code, quantity=line.quantity, unit_price=line.unit_price)
        for line in session.scalars(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.id))
    ]


def orderable_customer(session: Session, customer_id: int) -> Customer | None:
    """The customer a new order may be placed for: one that exists and was not deleted."""
    customer = session.get(Customer, customer_id)
    return customer if customer is not None and customer.deleted_at is None else None


def customer_name(session: Session, customer_id: int) -> str:
    return session.scalar(select(Customer.name).where(Customer.id == customer_id)) or ""


def collected(session: Session, order_id: int) -> Decimal:
    return collected_by_order(session, [order_id]).get(order_id, Decimal("0.00"))


def awaiting_approval(session: Session) -> list[tuple[int, int, str | None, str]]:
    """Orders waiting for approval, oldest first: (id, owner, workflow id, customer name)."""
    rows = session.execute(
        select(Order.id, Order.owner_id, Order.workflow_id, Customer.name)
        .join(Customer, Customer.id == Order.customer_id)
        .where(Order.status == OrderStatus.pending_approval)
        .order_by(Order.id)
    ).all()
    return [(order_id, owner_id, workflow_id, name) for order_id, owner_id, workflow_id, name in rows]
