"""Daily service capacity: what is left on a day, reserving it for an order, giving it back.

A day's row is created on first use with what orders already booked for it (pending and
approved, e.g. imported history), then only ever changed by a conditional
``UPDATE ... SET booked = booked + q WHERE booked + q <= capacity``. On PostgreSQL the row lock
makes racing submissions wait and re-check; on SQLite writers are serialised anyway. Either way
the last slot goes to exactly one order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from schemas.orders import OrderStatus
from store.models import CapacityDay, CapacityReservation, Order, OrderLine, Service
from store.repo.shared.upsert import insert_if_absent

HOLDING = (OrderStatus.pending_approval, OrderStatus.approved)


@dataclass(frozen=True)
class Shortfall:
    service_code: str
    day: date
    wanted: int
    left: int


def needs_of(lines: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Quantity per service of an order's lines (a service may appear on several lines)."""
    needs: dict[str, int] = defaultdict(int)
    for code, quantity in lines:
        needs[code] += quantity
    return dict(needs)


def _booked_by_orders(session: Session, code: str, day: date, reserving: int | None = None) -> int:
    query = (
        select(func.coalesce(func.sum(OrderLine.quantity), 0))
        .join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.service_code == code, Order.requested_date == day, Order.status.in_(HOLDING))
    )
    if reserving is not None:
        query = query.where(Order.id != reserving)
    return session.scalar(query) or 0


def _ensure_day(session: Session, code: str, day: date, reserving: int | None = None) -> None:
    """Create the day's row once, counting what orders outside Baton's reservations already hold
    (but not ``reserving``, the order about to add its own reservation)."""
    if session.get(CapacityDay, (code, day)) is not None:
        return
    insert_if_absent(
        session,
        CapacityDay,
        {"service_code": code, "day": day, "booked": _booked_by_orders(session, code, day, reserving)},
    )


def shortfalls(session: Session, day: date, needs: dict[str, int], capacities: dict[str, int]) -> list[Shortfall]:
    """What does not fit on ``day`` as things stand (a read: the reservation re-checks atomically)."""
    short = []
    for code, wanted in sorted(needs.items()):
        row = session.get(CapacityDay, (code, day))
        booked = row.booked if row is not None else _booked_by_orders(session, code, day)
        left = max(0, capacities[code] - booked)
        if wanted > left:
            short.append(Shortfall(code, day, wanted, left))
    return short


def reserve(session: Session, order_id: int, day: date, needs: dict[str, int]) -> list[Shortfall]:
    """Book every service of the order or none: the shortfalls, if any, and nothing changed
    (the caller rolls back). Call at the start of a write transaction."""
    short = []
    for code, wanted in sorted(needs.items()):  # one lock order for every transaction
        _ensure_day(session, code, day, reserving=order_id)
        capacity = select(Service.capacity_per_day).where(Service.code == code).scalar_subquery()
        taken = session.execute(
            update(CapacityDay)
            .where(CapacityDay.service_code == code, CapacityDay.day == day, CapacityDay.booked + wanted <= capacity)
            .values(booked=CapacityDay.booked + wanted)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            row = session.get(CapacityDay, (code, day), populate_existing=True)
            limit = session.scalar(select(Service.capacity_per_day).where(Service.code == code)) or 0
            short.append(Shortfall(code, day, wanted, max(0, limit - (row.booked if row else 0))))
            continue
        session.add(CapacityReservation(order_id=order_id, service_code=code, day=day, quantity=wanted))
    session.flush()
    return short


def adopt(session: Session, order_id: int, day: date, needs: dict[str, int]) -> None:
    """Record what an order that was already pending holds: its day rows count it from creation."""
    for code, quantity in sorted(needs.items()):
        _ensure_day(session, code, day)
        if session.get(CapacityReservation, (order_id, code)) is None:
            session.add(CapacityReservation(order_id=order_id, service_code=code, day=day, quantity=quantity))
    session.flush()


def release(session: Session, order_id: int) -> int:
    """Give back everything the order holds; a second call finds nothing to give."""
    held = list(
        session.scalars(
            select(CapacityReservation)
            .where(CapacityReservation.order_id == order_id)
            .order_by(CapacityReservation.service_code)
        )
    )
    for reservation in held:
        session.execute(
            update(CapacityDay)
            .where(CapacityDay.service_code == reservation.service_code, CapacityDay.day == reservation.day)
            .values(booked=CapacityDay.booked - reservation.quantity)
            .execution_options(synchronize_session=False)
        )
    session.execute(delete(CapacityReservation).where(CapacityReservation.order_id == order_id))
    return sum(r.quantity for r in held)


def held_by(session: Session, order_id: int) -> dict[str, int]:
    rows = session.execute(
        select(CapacityReservation.service_code, CapacityReservation.quantity).where(
            CapacityReservation.order_id == order_id
        )
    )
    return {code: quantity for code, quantity in rows}
