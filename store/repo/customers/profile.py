"""The customer 360: everything the company knows about one customer, in one read."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.orders import OrderStatus
from store.models import Customer, CustomerContact, Employee, Order, Payment, Team
from store.repo.alerts.views import alerts_about
from store.repo.customers import interactions
from store.repo.customers import records as customers
from store.repo.customers.visibility import Viewer, reads_conversations
from store.repo.payments.money import signed_amount

ZERO = Decimal("0.00")


def orders_with_collected(session: Session, customer_id: int, limit: int = 30) -> list[dict[str, Any]]:
    signed = signed_amount()
    collected = select(Payment.order_id, func.sum(signed).label("collected")).group_by(Payment.order_id).subquery()
    rows = session.execute(
        select(Order, func.coalesce(collected.c.collected, 0))
        .outerjoin(collected, collected.c.order_id == Order.id)
        .where(Order.customer_id == customer_id)
        .order_by(Order.created_at.desc())
        .limit(limit)
    )
    return [
        {
            "id": order.id,
            "status": order.status,
            "total": order.total,
            "collected": Decimal(paid),
            "created_at": order.created_at,
        }
        for order, paid in rows
    ]


def receivables(session: Session, customer_id: int) -> Decimal:
    signed = signed_amount()
    billed = (
        session.scalar(
            select(func.coalesce(func.sum(Order.total), 0)).where(
                Order.customer_id == customer_id, Order.status == OrderStatus.approved
            )
        )
        or 0
    )
    paid = (
        session.scalar(
            select(func.coalesce(func.sum(signed), 0))
            .join(Order, Order.id == Payment.order_id)
            .where(Order.customer_id == customer_id, Order.status == OrderStatus.approved)
        )
        or 0
    )
    return max(ZERO, Decimal(billed) - Decimal(paid)).quantize(Decimal("0.01"))


def customer_360(session: Session, viewer: Viewer, customer_id: int) -> dict[str, Any]:
    customer: Customer = customers.visible(session, viewer, customer_id)
    owner = session.get(Employee, customer.owner_id) if customer.owner_id else None
    team = session.get(Team, customer.team_id) if customer.team_id else None
    conversations = reads_conversations(viewer)
    contacts: list[CustomerContact] = (
        list(
            session.scalars(
                select(CustomerContact)
                .where(CustomerContact.customer_id == customer_id)
                .order_by(CustomerContact.is_key.desc(), CustomerContact.name)
            )
        )
        if conversations
        else []
    )
    return {
        "conversations_hidden": not conversations,
        "customer": customer,
        "owner_name": owner.name if owner else None,
        "team_name": team.name if team else None,
        "contacts": [
            {
                "id": c.id,
                "name": c.name,
                "title": c.title,
                "phone": c.phone,
                "email": c.email,
                "wechat": c.wechat,
                "is_key": c.is_key,
                "notes": c.notes,
            }
            for c in contacts
        ],
        "interactions": interactions.timeline(session, customer_id) if conversations else [],
        "orders": orders_with_collected(session, customer_id),
        "receivables": receivables(session, customer_id),
        "complaints": interactions.complaints(session, customer_id) if conversations else [],
        "ownership": customers.ownership_history(session, customer_id),
        "alerts": [alert.model_dump() for alert in alerts_about(session, viewer, "customer", customer_id)],
    }


def names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {e.id: e.name for e in session.scalars(select(Employee).where(Employee.id.in_(wanted)))}
