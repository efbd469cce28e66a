"""Capacity is reserved while an order waits and never overbooked, however many salespeople race
for the last slot; rejection and cancellation give it back."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from sqlalchemy import func, select

from store.db import Database
from store.models import CapacityDay, CapacityReservation, Customer, Order
from tests.support.customers import make_customers
from tests.support.orders import make_services, order_body, wait_for_approval
from tests.support.org import OrgFixture

RACERS = 20


async def test_twenty_parallel_orders_for_the_last_slot_book_it_once(  # type: ignore[no-untyped-def]
    api, worker, db: Database, org: OrgFixture
) -> None:
    make_services(db)
    customers = make_customers(db, org)
    with db.session() as session:  # each racer orders for its own customer, so only capacity decides
        template = session.get(Customer, customers.own)
        assert template is not None
        own = [
            Customer(
                name=f"客户{i}",
                owner_id=org["sales_south"],
                team_id=template.team_id,
                region=template.region,
                industry=template.industry,
                size=template.size,
                contact_name="王",
                contact_phone="1",
                address="广州",
                credit_limit=Decimal("100000"),
            )
            for i in range(RACERS)
        ]
        session.add_all(own)
        session.flush()
        customer_ids = [c.id for c in own]
    sales = await api("sales_south")
    # FTL: 5 trucks a day; four are taken, one is left.
    first = await sales.post("/api/orders", json=order_body(customers.own, [("FTL", 4, "4500.00")], days=5))
    assert first.status_code == 201

    answers = await asyncio.gather(
        *[
            sales.post("/api/orders", json=order_body(customer, [("FTL", 1, "4500.00")], days=5))
            for customer in customer_ids
        ]
    )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [422] * (RACERS - 1), [a.text for a in answers if a.status_code not in (201, 422)]
    refused = [a.json()["error"]["details"] for a in answers if a.status_code == 422]
    assert all([d["code"] for d in details] == ["no_capacity"] for details in refused)
    with db.session() as session:
        assert session.scalar(select(CapacityDay.booked).where(CapacityDay.service_code == "FTL")) == 5
        assert session.scalar(select(func.sum(CapacityReservation.quantity))) == 5
        assert session.scalar(select(func.count()).select_from(Order).where(Order.status == "draft")) == 0

    # The first order is cancelled: its four trucks are free again.
    assert (await sales.post(f"/api/orders/{first.json()['id']}/cancel")).status_code == 200
    again = await sales.post("/api/orders", json=order_body(customer_ids[0], [("FTL", 4, "4500.00")], days=5))
    assert again.status_code == 201, again.text


async def test_a_rejected_order_frees_its_capacity_and_a_resubmission_takes_it_again(  # type: ignore[no-untyped-def]
    api, worker, db: Database, org: OrgFixture
) -> None:
    make_services(db)
    customers = make_customers(db, org)
    sales = await api("sales_south")
    created = (await sales.post("/api/orders", json=order_body(customers.own, [("FTL", 5, "4500.00")]))).json()
    task = await wait_for_approval(db, created["id"], "manager")
    blocked = await sales.post("/api/orders", json=order_body(customers.own, [("FTL", 1, "4500.00")]))
    assert [d["code"] for d in blocked.json()["error"]["details"]] == ["no_capacity"]

    manager = await api("manager_south")
    rejected = await manager.post(f"/api/tasks/{task.id}/complete", json={"action": "reject", "comment": "车辆不足"})
    assert rejected.status_code == 200
    taken = await sales.post("/api/orders", json=order_body(customers.own, [("FTL", 1, "4500.00")]))
    assert taken.status_code == 201, "the rejected order's trucks are free"

    revised = await sales.post(
        f"/api/orders/{created['id']}/resubmit",
        json={"lines": [{"service": "FTL", "quantity": 5, "unit_price": "4500.00"}]},
    )
    assert [d["code"] for d in revised.json()["error"]["details"]] == ["no_capacity"]
    order = (await sales.get(f"/api/orders/{created['id']}")).json()
    assert order["status"] == "rejected" and order["revision"] == 1, "a refused revision changes nothing"
    fits = await sales.post(
        f"/api/orders/{created['id']}/resubmit",
        json={"lines": [{"service": "FTL", "quantity": 4, "unit_price": "4500.00"}]},
    )
    assert fits.status_code == 200 and fits.json()["revision"] == 2, fits.text
