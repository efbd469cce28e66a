"""The checks an order passes before anyone approves it: each failed check alone, all of them at
once, and bad input refused before anything is written."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from store.db import Database
from store.models import CapacityDay, Customer, Employee, Order, Payment, Task
from tests.support.clock import company_today
from tests.support.customers import CustomerSet, make_customers
from tests.support.orders import make_services, order_body
from tests.support.org import OrgFixture


@pytest.fixture
def customers(db: Database, org: OrgFixture) -> CustomerSet:
    make_services(db)
    return make_customers(db, org)


def nothing_recorded(db: Database) -> None:
    """Only the fixture's one historical order; no draft, no task, no capacity booked."""
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 1
        assert session.scalar(select(func.count()).select_from(Task)) == 0
        assert sum(session.scalars(select(CapacityDay.booked))) == 0


def codes(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return [detail["code"] for detail in response.json()["error"]["details"]]


def make_incomplete(db: Database, customer_id: int) -> None:
    with db.session() as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        customer.contact_phone, customer.address = "", " "


def freeze(db: Database, employee_id: int) -> None:
    with db.session() as session:
        employee = session.get(Employee, employee_id)
        assert employee is not None
        employee.order_freeze = True


def owe(db: Database, customer_id: int, owner_id: int, amount: str) -> None:
    """An approved order of ``amount``, unpaid: open receivables."""
    with db.session() as session:
        session.add(
            Order(
                customer_id=customer_id,
                owner_id=owner_id,
                status="approved",
                total=Decimal(amount),
                requested_date=company_today() - timedelta(days=30),
            )
        )


async def test_an_incomplete_customer_profile_is_refused(
    api,
    worker,
    db: Database,
    org: OrgFixture,  # type: ignore[no-untyped-def]
    customers: CustomerSet,
) -> None:
    make_incomplete(db, customers.own)
    response = await (await api("sales_south")).post("/api/orders", json=order_body(customers.own))
    assert response.json()["error"]["code"] == "order_invalid"
    assert codes(response) == ["customer_incomplete"]
    detail = response.json()["error"]["details"][0]
    assert "contact_phone" in detail["message"] and "address" in detail["message"]
    nothing_recorded(db)


async def test_a_customer_someone_else_owns_is_refused(
    api,
    worker,
    db: Database,  # type: ignore[no-untyped-def]
    customers: CustomerSet,
) -> None:
    response = await (await api("sales_south")).post("/api/orders", json=order_body(customers.team))
    assert codes(response) == ["not_customer_owner"]
    nothing_recorded(db)


async def test_nobody_takes_new_orders_during_their_handover(
    api,
    worker,
    db: Database,
    org: OrgFixture,  # type: ignore[no-untyped-def]
    customers: CustomerSet,
) -> None:
    freeze(db, org["sales_south"])
    response = await (
        await api(
            "sales_south",
        )
    ).post("/api/orders", json=order_body(customers.own))
    assert codes(response) == ["employee_frozen"]
    assert "交接期间" in response.json()["error"]["details"][0]["message"]
    nothing_recorded(db)


async def test_a_price_under_the_floor_is_refused_per_line(
    api,
    worker,
    db: Database,  # type: ignore[no-untyped-def]
    customers: CustomerSet,
) -> None:
    body = order_body(customers.own, [("LTL", 5, "95.00"), ("FTL", 1, "3999.99")])
    response = await (await api("sales_south")).post("/api/orders", json=body)
    assert codes(response) == ["below_floor_price"]
    assert response.json()["error"]["details"][0]["line"] == 1
    nothing_recorded(db)


async def test_open_receivables_plus_the_order_over_the_credit_limit_is_refused(  # type: ignore[no-untyped-def]
    api, worker, db: Database, org: OrgFixture, customers: CustomerSet
) -> None:
    owe(db, customers.own, org["sales_south"], "499500.00")  # credit limit 500,000
    sales = await api("sales_south")
    response = await sales.post("/api/orders", json=order_body(customers.own, [("LTL", 6, "95.00")]))
    assert codes(response) == ["over_credit_limit"]
    with db.session() as session:  # money collected frees the credit again
        owed = session.scalars(select(Order).where(Order.total == Decimal("499500.00"))).one()
        session.add(Payment(order_id=owed.id, kind="payment", amount=Decimal("1000.00"), paid_at=owed.created_at))
    accepted = await sales.post("/api/orders", json=order_body(customers.own, [("LTL", 6, "95.00")]))
    assert accepted.status_code == 201, accepted.text


async def test_a_day_without_capacity_left_is_refused(
    api,
    worker,
    db: Database,  # type: ignore[no-untyped-def]
    customers: CustomerSet,
) -> None:
    response = await (await api("sales_south")).post(
        "/api/orders", json=order_body(customers.own, [("FTL", 6, "4500.00")])
    )
    assert codes(response) == ["no_capacity"]
    assert response.json()["error"]["details"][0]["params"]["left"] == "5"
    nothing_recorded(db)


async def test_every_failed_check_is_reported_at_once(
    api,
    worker,
    db: Database,
    org: OrgFixture,  # type: ignore[no-untyped-def]
    customers: CustomerSet,
) -> None:
    make_incomplete(db, customers.team)
    freeze(db, org["sales_south"])
    owe(db, customers.team, org["sales_south2"], "500000.00")
    body = order_body(customers.team, [("FTL", 9, "100.00")])
    response = await (await api("sales_south")).post("/api/orders", json=body)
    assert sorted(codes(response)) == [
        "below_floor_price",
        "customer_incomplete",
        "employee_frozen",
        "no_capacity",
        "not_customer_owner",
        "over_credit_limit",
    ]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 0
        assert session.scalar(select(func.count()).select_from(Order).where(Order.status == "draft")) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"customer_id": 99999}, "customer_id"),
        ({"lines": [{"service": "NOPE", "quantity": 1, "unit_price": "95.00"}]}, "lines.0.service"),
        ({"lines": [{"service": "LTL", "quantity": 0, "unit_price": "95.00"}]}, "lines.0.quantity"),
        ({"lines": [{"service": "LTL", "quantity": -3, "unit_price": "95.00"}]}, "lines.0.quantity"),
        ({"lines": [{"service": "LTL", "quantity": 1, "unit_price": "95.001"}]}, "lines.0.unit_price"),
        ({"lines": [{"service": "LTL", "quantity": 1, "unit_price": "-95.00"}]}, "lines.0.unit_price"),
        ({"requested_date": (company_today() - timedelta(days=1)).isoformat()}, "requested_date"),
        ({"lines": [{"service": "LTL", "quantity": 1, "unit_price": "95.00"}] * 500}, "lines"),
        ({"lines": []}, "lines"),
    ],
    ids=[
        "unknown customer",
        "unknown service",
        "zero quantity",
        "negative quantity",
        "three decimals",
        "negative price",
        "date in the past",
        "500 lines",
        "no lines",
    ],
)
async def test_bad_input_is_a_clear_error_and_nothing_is_recorded(
    api,
    worker,
    db: Database,  # type: ignore[no-untyped-def]
    customers: CustomerSet,
    change: dict[str, Any],
    field: str,
) -> None:
    response = await (await api("sales_south")).post("/api/orders", json={**order_body(customers.own), **change})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert field in [detail["field"] for detail in error["details"]]
    nothing_recorded(db)


async def test_only_salespeople_submit_orders(api, worker, customers: CustomerSet) -> None:  # type: ignore[no-untyped-def]
    response = await (await api("finance")).post("/api/orders", json=order_body(customers.own))
    assert response.status_code == 403


async def test_who_may_read_an_order(api, worker, db: Database, customers: CustomerSet) -> None:  # type: ignore[no-untyped-def]
    created = (await (await api("sales_south")).post("/api/orders", json=order_body(customers.own))).json()
    seen = {}
    for user in (
        "sales_south",
        "sales_south2",
        "sales_east",
        "manager_south",
        "manager_east",
        "head",
        "finance",
        "admin",
        "hr",
    ):
        seen[user] = (await (await api(user)).get(f"/api/orders/{created['id']}")).status_code
    assert seen == {
        "sales_south": 200,
        "sales_south2": 404,
        "sales_east": 404,
        "manager_south": 200,
        "manager_east": 404,
        "head": 200,
        "finance": 200,
        "admin": 200,
        "hr": 404,
    }
    listed = (await (await api("manager_south")).get("/api/orders")).json()
    assert [item["id"] for item in listed["items"]] == [created["id"]] and listed["total"] == 1


async def test_a_page_of_orders_reads_in_the_same_few_queries_however_long(
    api, db: Database, org: OrgFixture, customers: CustomerSet
) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    def add_orders(count: int) -> None:
        with db.session() as session:
            for _ in range(count):
                order = Order(
                    customer_id=customers.own,
                    owner_id=org["sales_south"],
                    status="approved",
                    requested_date=company_today(),
                    total=Decimal("950.00"),
                )
                session.add(order)
                session.flush()
                session.add(
                    Payment(order_id=order.id, kind="payment", amount=Decimal("100.00"), paid_at=order.created_at)
                )

    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    client = await api("sales_south")
    counts = []
    for batch in (2, 28):
        add_orders(batch)
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        listed = (await client.get("/api/orders?limit=100")).json()
        event.remove(db.engine, "before_cursor_execute", count)
        assert all(item["collected"] == "100.00" and item["customer_name"] for item in listed["items"])
        counts.append(len(statements))
    assert listed["total"] == 30
    assert counts[0] == counts[1], f"queries grew with the page: {counts}"
