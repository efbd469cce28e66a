"""Orders already waiting for approval when Baton starts (the demo company's, imported ones) get
their approval process once, and go through the chain like any other."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from temporalio.testing import WorkflowEnvironment

from baton.order_adoption import adopt_pending_orders
from schemas.kernel.config import Settings
from store.db import Database
from store.models import CapacityDay, Order, OrderLine
from tests.support.clock import company_today
from tests.support.customers import make_customers
from tests.support.orders import make_services, wait_for_approval, wait_for_status
from tests.support.org import OrgFixture


async def test_a_pending_order_without_a_process_is_adopted_once(  # type: ignore[no-untyped-def]
    api, worker, temporal_env: WorkflowEnvironment, settings: Settings, db: Database, org: OrgFixture
) -> None:
    make_services(db)
    customers = make_customers(db, org)
    with db.session() as session:
        order = Order(
            customer_id=customers.own,
            owner_id=org["sales_south"],
            status="pending_approval",
            current_step="manager",
            total=Decimal("2850.00"),
            requested_date=company_today() + timedelta(days=2),
        )
        session.add(order)
        session.flush()
        order.workflow_id = f"order-{order.id}"
        session.add(
            OrderLine(
                order_id=order.id,
                service_code="LTL",
                quantity=30,
                unit_price=Decimal("95.00"),
                amount=Decimal("2850.00"),
            )
        )
        order_id = order.id
    client, queue = temporal_env.client, settings.temporal.task_queue
    assert await adopt_pending_orders(client, db, queue) == 1
    assert await adopt_pending_orders(client, db, queue) == 1, "a second start finds the running process"
    task = await wait_for_approval(db, order_id, "manager")
    with db.session() as session:
        day = session.get(CapacityDay, ("LTL", order.requested_date))
        assert day is not None and day.booked == 30, "the order's capacity counts"
    manager = await api("manager_south")
    assert (
        await manager.post(f"/api/tasks/{task.id}/complete", json={"action": "reject", "comment": "请补充合同"})
    ).status_code == 200
    await wait_for_status(db, order_id, "rejected")
    with db.session() as session:
        day = session.get(CapacityDay, ("LTL", order.requested_date))
        assert day is not None and day.booked == 0
    runs = [e async for e in client.list_workflows(f'WorkflowId="order-{order_id}" AND TaskQueue="{queue}"')]
    assert len(runs) == 1
