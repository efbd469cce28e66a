"""Finance records money actually collected: payments and refunds on approved orders, one at a
time or from a CSV file (all rows or none); the price list behind every order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from store.db import Database
from store.models import Order, Payment
from tests.support.clock import company_today
from tests.support.customers import CustomerSet, make_customers
from tests.support.orders import make_services
from tests.support.org import OrgFixture


@pytest.fixture
def orders(db: Database, org: OrgFixture) -> dict[str, int]:
    make_services(db)
    customers: CustomerSet = make_customers(db, org)
    made = {}
    with db.session() as session:
        for status in ("approved", "pending_approval"):
            order = Order(
                customer_id=customers.own,
                owner_id=org["sales_south"],
                status=status,
                total=Decimal("1000.00"),
                requested_date=company_today(),
            )
            session.add(order)
            session.flush()
            made[status] = order.id
    return made


def payments_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Payment)) or 0


async def test_a_payment_then_a_refund_that_reverses_it(api, db: Database, orders: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    finance = await api("finance")
    paid = await finance.post(
        "/api/payments",
        json={
            "order_id": orders["approved"],
            "kind": "payment",
            "amount": "800.00",
            "paid_at": "2026-10-12T10:00:00+08:00",
        },
    )
    assert paid.status_code == 201, paid.text
    assert paid.json()["amount"] == "800.00"
    refund = await finance.post(
        "/api/payments",
        json={
            "order_id": orders["approved"],
            "kind": "refund",
            "amount": "100.00",
            "paid_at": "2026-11-02T10:00:00+08:00",
        },
    )
    assert refund.status_code == 201
    assert refund.json()["reverses_id"] == paid.json()["id"], "a refund is paired with the payment it reverses"
    order = (await finance.get(f"/api/orders/{orders['approved']}")).json()
    assert order["collected"] == "700.00"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"kind": "payment", "amount": "10.00", "on": "pending_approval"}, "order_not_approved"),
        ({"kind": "refund", "amount": "10.00"}, "refund_exceeds_collected"),
        ({"kind": "payment", "amount": "10.00", "paid_at": "2099-01-01T00:00:00+08:00"}, "paid_in_future"),
        ({"kind": "payment", "amount": "10.00", "order_id": 99999}, "unknown_order"),
    ],
    ids=["pending order", "refund of nothing", "future date", "unknown order"],
)
async def test_payments_that_cannot_be_are_refused(
    api,
    db: Database,
    orders: dict[str, int],
    body: dict[str, str],  # type: ignore[no-untyped-def]
    code: str,
) -> None:
    finance = await api("finance")
    order_id = body.get("order_id") or orders[body.get("on", "approved")]
    response = await finance.post(
        "/api/payments",
        json={
            "order_id": order_id,
            "kind": body["kind"],
            "amount": body["amount"],
            "paid_at": body.get("paid_at", "2026-10-12T10:00:00+08:00"),
        },
    )
    assert response.status_code == 422
    assert code in [d["code"] for d in response.json()["error"]["details"]]
    assert payments_count(db) == 0


@pytest.mark.parametrize("amount", ["0", "-5.00", "1.005", "abc"])
async def test_amounts_are_positive_money(api, orders: dict[str, int], amount: str) -> None:  # type: ignore[no-untyped-def]
    response = await (await api("finance")).post(
        "/api/payments",
        json={
            "order_id": orders["approved"],
            "kind": "payment",
            "amount": amount,
            "paid_at": "2026-10-12T10:00:00+08:00",
        },
    )
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_input"


async def test_only_finance_records_payments(api, orders: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    for user in ("sales_south", "manager_south", "admin"):
        response = await (await api(user)).post(
            "/api/payments",
            json={
                "order_id": orders["approved"],
                "kind": "payment",
                "amount": "1.00",
                "paid_at": "2026-10-12T10:00:00+08:00",
            },
        )
        assert response.status_code == 403


async def test_a_csv_import_is_all_or_nothing(api, db: Database, orders: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    finance = await api("finance")
    approved, pending = orders["approved"], orders["pending_approval"]
    broken = (
        "order_id,kind,amount,paid_at,note\n"
        f"{approved},payment,500.00,2026-10-01,首付\n"
        f"{pending},payment,10.00,2026-10-02,\n"
        f"{approved},payment,1.234,2026-10-03,\n"
    ).encode()
    refused = await finance.post("/api/payments/import", files={"file": ("回款.csv", broken, "text/csv")})
    assert refused.status_code == 422
    assert sorted((d["row"], d["code"]) for d in refused.json()["error"]["details"]) == [
        (3, "order_not_approved"),
        (4, "too_many_decimals"),
    ], "the amount's problem in the words of every amount"
    assert payments_count(db) == 0

    good = (
        "\ufefforder_id,kind,amount,paid_at,note\n"
        f"{approved},payment,500.00,2026-10-01,首付\n"
        f"{approved},refund,200.00,2026-10-20T09:30:00+08:00,破损赔偿\n"
    ).encode()
    imported = await finance.post("/api/payments/import", files={"file": ("回款.csv", good, "text/csv")})
    assert imported.status_code == 201 and imported.json() == {"imported": 2}
    with db.session() as session:
        refund = session.scalars(select(Payment).where(Payment.kind == "refund")).one()
        assert refund.reverses_id is not None and refund.paid_at.date() == date(2026, 10, 20)
    too_much = (f"order_id,kind,amount,paid_at\n{approved},refund,400.00,2026-10-21\n").encode()
    over = await finance.post("/api/payments/import", files={"file": ("x.csv", too_much, "text/csv")})
    assert [d["code"] for d in over.json()["error"]["details"]] == ["refund_exceeds_collected"]


async def test_the_price_list(api, db: Database, orders: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    sales, admin = await api("sales_south"), await api("admin")
    listed = (await sales.get("/api/services")).json()
    assert {
        "code": "FTL",
        "name": "整车运输",
        "unit": "车",
        "list_price": "5000.00",
        "floor_price": "4000.00",
        "capacity_per_day": 5,
    } in listed
    new = {
        "code": "COLD",
        "name": "冷链运输",
        "unit": "吨",
        "list_price": "300.00",
        "floor_price": "250.00",
        "capacity_per_day": 20,
    }
    assert (await sales.post("/api/services", json=new)).status_code == 403
    assert (await admin.post("/api/services", json=new)).status_code == 201
    taken = await admin.post("/api/services", json=new)
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "service_code_taken"
    upside_down = await admin.post("/api/services", json={**new, "code": "COLD2", "floor_price": "301.00"})
    assert upside_down.status_code == 422
