"""A price list and helpers to submit orders and follow them through approval."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from store.db import Database
from store.models import Order, Service, Task
from tests.support.clock import company_today
from tests.support.steps import wait_for_row, wait_for_task

# code, name, unit, list, floor, capacity per day
SERVICES = [
    ("LTL", "零担运输", "吨", "100.00", "80.00", 100),
    ("FTL", "整车运输", "车", "5000.00", "4000.00", 5),
    ("WH", "仓储", "托盘天", "10.00", "8.00", 1000),
]


def make_services(db: Database) -> None:
    with db.session() as session:
        session.add_all(
            Service(
                code=code,
                name=name,
                unit=unit,
                list_price=Decimal(list_price),
                floor_price=Decimal(floor),
                capacity_per_day=capacity,
            )
            for code, name, unit, list_price, floor, capacity in SERVICES
        )


def order_body(customer_id: int, lines: list[tuple[str, int, str]] | None = None, days: int = 3) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "requested_date": (company_today() + timedelta(days=days)).isoformat(),
        "lines": [{"service": s, "quantity": q, "unit_price": p} for s, q, p in (lines or [("LTL", 10, "95.00")])],
    }


async def wait_for_approval(db: Database, order_id: int, step: str, revision: int = 1) -> Task:
    """Readiness, not timing: the step's task row is open (bounded to ~10 s)."""
    return await wait_for_task(db, f"order-{order_id}:r{revision}-{step}")


async def wait_for_status(db: Database, order_id: int, status: str) -> Order:
    return await wait_for_row(db, Order, order_id, lambda order: order.status == status)


def approval_tasks(db: Database, order_id: int) -> list[Task]:
    with db.session() as session:
        return list(
            session.scalars(select(Task).where(Task.workflow_id == f"order-{order_id}").order_by(Task.created_at))
        )
