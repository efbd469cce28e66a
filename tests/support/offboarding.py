"""A salesperson's book of business to hand over, and helpers to act on an offboarding over HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx

from store.db import Database
from store.models import Customer, Employee, HandoverItem, Offboarding, Order, Payment, Task
from store.models.base import utcnow
from store.repo.customers import interactions
from tests.support.clock import company_today
from tests.support.customers import PROFILE
from tests.support.eventually import eventually, once_ready
from tests.support.org import OrgFixture, password_hash
from tests.support.steps import wait_for_row


@dataclass
class Book:
    customers: list[int]
    open_orders: list[int]  # an approved order half paid, one waiting for approval
    teammate: int  # a third salesperson of the south team


def make_book(db: Database, org: OrgFixture, customers: int = 30) -> Book:
    """张伟's customers (the first brings most revenue), two open orders, and a teammate who has
    no customers yet, so the proposal has two successors to balance."""
    south = org.team_ids["south"]
    with db.session() as session:
        teammate = Employee(
            username="sales_south3",
            name="王强",
            password_hash=password_hash(),
            roles=["sales"],
            team_id=south,
            manager_id=org["manager_south"],
            status="active",
            order_freeze=False,
        )
        rows = [
            Customer(name=f"华南客户{index:02d}有限公司", owner_id=org["sales_south"], team_id=south, **PROFILE)
            for index in range(customers)
        ]
        session.add_all([teammate, *rows])
        session.flush()
        big = Order(
            customer_id=rows[0].id,
            owner_id=org["sales_south"],
            status="approved",
            total=Decimal("80000.00"),
            requested_date=company_today() - timedelta(days=10),
            workflow_id=None,
        )
        waiting = Order(
            customer_id=rows[1].id,
            owner_id=org["sales_south"],
            status="pending_approval",
            total=Decimal("3000.00"),
            requested_date=company_today() + timedelta(days=5),
        )
        session.add_all([big, waiting])
        session.flush()
        session.add(Payment(order_id=big.id, kind="payment", amount=Decimal("30000.00"), paid_at=utcnow()))
        return Book(customers=[row.id for row in rows], open_orders=[big.id, waiting.id], teammate=teammate.id)


def record_followups(db: Database, employee_id: int, customer_ids: list[int]) -> None:
    """The leaver calls every customer during the handover."""
    with db.session() as session:
        for customer_id in customer_ids:
            interactions.record(
                session,
                actor_id=employee_id,
                customer_id=customer_id,
                channel="phone",
                summary="交接期间回访，告知新的对接人",
                occurred_at=utcnow(),
            )


async def start_case(client: httpx.AsyncClient, employee_id: int, last_day: date | None = None) -> dict[str, Any]:
    response = await client.post(
        "/api/offboardings",
        json={
            "employee_id": employee_id,
            "reason": "离职，帮丈夫创业",
            "last_day": (last_day or company_today() + timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def item_task(db: Database, case_id: int, key: str, round_: int = 1) -> Task:
    """The item's task for this round, once the workflow has opened it."""
    item = await wait_for_row_where(db, case_id, key, round_)
    assert item.task_id is not None
    return await wait_for_row(db, Task, item.task_id, lambda task: task.status == "open")


async def wait_for_row_where(db: Database, case_id: int, key: str, round_: int) -> HandoverItem:
    def opened() -> HandoverItem | None:
        with db.session() as session:
            item = session.query(HandoverItem).filter_by(offboarding_id=case_id, key=key).one_or_none()
            return item if item is not None and item.round == round_ and item.task_id is not None else None

    return await eventually(opened, f"item {key} of case {case_id} to open in round {round_}")


async def act(client: httpx.AsyncClient, task_id: str, action: str, **body: Any) -> httpx.Response:
    """Complete a task, waiting while the workflow is still registering it (409 task_not_ready)."""
    return await once_ready(
        lambda: client.post(f"/api/tasks/{task_id}/complete", json={"action": action, **body}), task_id
    )


async def upload(client: httpx.AsyncClient, task_id: str, name: str = "客户资料.pdf") -> int:
    response = await client.post(
        f"/api/tasks/{task_id}/attachments", files={"file": (name, b"%PDF-1.4 customer files\n", "application/pdf")}
    )
    assert response.status_code == 201, response.text
    attachment_id: int = response.json()["id"]
    return attachment_id


async def wait_for_case(db: Database, case_id: int, status: str) -> Offboarding:
    return await wait_for_row(db, Offboarding, case_id, lambda case: case.status == status)
