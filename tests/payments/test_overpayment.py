"""A payment is at most what its order still owes, unless finance records it as an advance: over
the API (``overpayment`` naming what is owed), in a bank CSV (that row refused, the file not
written; an ``advance`` column marks advances), on the payments page and on the order's page,
where finance records money in place and the outstanding amount is shown, as on the order list."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select

from store.db import Database
from store.models import AuditEntry, Payment
from tests.orders.test_pages import approved_order, htmx, login_as
from tests.payments.test_api import orders, payments_count  # noqa: F401  (the fixture)
from tests.platform.test_pages import form_token
from tests.support.customers import CustomerSet, make_customers
from tests.support.orders import make_services
from tests.support.org import OrgFixture

PAID_AT = "2026-10-12T10:00:00+08:00"


@pytest.fixture
def customers(db: Database, org: OrgFixture) -> CustomerSet:
    make_services(db)
    return make_customers(db, org)


async def test_an_overpayment_is_refused_with_what_is_owed_unless_it_is_an_advance(
    api,
    db: Database,
    orders: dict[str, int],  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    finance, order_id = await api("finance"), orders["approved"]  # total ¥1,000.00
    pay = {"order_id": order_id, "kind": "payment", "paid_at": PAID_AT}
    assert (await finance.post("/api/payments", json={**pay, "amount": "800.00"})).status_code == 201
    seen = (await finance.get(f"/api/orders/{order_id}")).json()
    assert (seen["collected"], seen["outstanding"]) == ("800.00", "200.00")
    assert (await finance.get(f"/api/orders/{orders['pending_approval']}")).json()["outstanding"] is None

    over = await finance.post("/api/payments", json={**pay, "amount": "300.00"})
    assert over.status_code == 422
    error = over.json()["error"]
    assert error["code"] == "overpayment" and "预收款" in error["message"]
    [detail] = error["details"]
    assert (detail["field"], detail["code"], detail["owed"]) == ("amount", "overpayment", "200.00")
    assert "尚欠 ¥200.00" in detail["message"] and "¥300.00" in detail["message"]
    english = await finance.post("/api/payments", json={**pay, "amount": "300.00"}, headers={"Accept-Language": "en"})
    assert "still owes ¥200.00" in english.json()["error"]["details"][0]["message"]
    assert payments_count(db) == 1, "nothing of a refused payment is recorded"

    advance = await finance.post("/api/payments", json={**pay, "amount": "300.00", "advance": True})
    assert advance.status_code == 201 and advance.json()["advance"] is True
    assert (await finance.get(f"/api/orders/{order_id}")).json()["outstanding"] == "0.00", "never below zero"
    with db.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "payment.payment").order_by(AuditEntry.id.desc())
        ).first()
        assert entry is not None and entry.detail["advance"] is True, "the audit log says it was an advance"
    refund = await finance.post("/api/payments", json={**pay, "kind": "refund", "amount": "100.00"})
    assert refund.status_code == 201 and refund.json()["advance"] is False


async def test_a_bank_file_row_that_overpays_is_refused_unless_marked_advance(
    api,
    db: Database,
    orders: dict[str, int],  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    finance, order_id = await api("finance"), orders["approved"]

    async def upload(content: str) -> httpx.Response:
        return await finance.post("/api/payments/import", files={"file": ("bank.csv", content.encode(), "text/csv")})

    over = await upload(
        f"order_id,kind,amount,paid_at\n{order_id},payment,600.00,2026-10-01\n{order_id},payment,500.00,2026-10-02\n"
    )
    assert over.status_code == 422 and over.json()["error"]["code"] == "overpayment"
    [row] = over.json()["error"]["details"]
    assert (row["row"], row["code"], row["owed"]) == (3, "overpayment", "400.00"), "owed after the rows before it"
    unreadable = await upload(f"order_id,kind,amount,paid_at,advance\n{order_id},payment,10.00,2026-10-01,maybe\n")
    assert [d["code"] for d in unreadable.json()["error"]["details"]] == ["bad_row"]
    assert payments_count(db) == 0, "all rows or none"

    marked = await upload(
        f"order_id,kind,amount,paid_at,note,advance\n{order_id},payment,600.00,2026-10-01,,\n"
        f"{order_id},payment,500.00,2026-10-02,预付下月,是\n"
    )
    assert marked.status_code == 201 and marked.json() == {"imported": 2}
    with db.session() as session:
        assert [p.advance for p in session.scalars(select(Payment).order_by(Payment.id))] == [False, True]


async def test_finance_records_money_on_the_order_page_and_sees_what_is_owed(
    anonymous: httpx.AsyncClient, customers: CustomerSet, db: Database
) -> None:
    order_id = approved_order(db)  # ¥12,000.00, sales_east's
    await login_as(anonymous, "finance")
    listed = await anonymous.get("/orders")
    row = listed.text[listed.text.index(f'href="/orders/{order_id}"') :]
    assert "¥12,000.00" in row[: row.index("</tr>")].replace("¥12,000.00", "", 1), "the list shows what is owed"
    page = await anonymous.get(f"/orders/{order_id}")
    assert "未收金额" in page.text and f'hx-post="/orders/{order_id}/payments"' in page.text

    form = {"kind": "payment", "amount": "5000.00", "paid_at": "2026-01-05T10:00", "note": "银行转账"}
    recorded = await anonymous.post(f"/orders/{order_id}/payments", data=form, headers=htmx(page.text))
    assert recorded.status_code == 200 and "<html" not in recorded.text
    assert f"已在订单 #{order_id} 上记录收款 ¥5,000.00。该订单尚欠 ¥7,000.00。" in recorded.text
    summary = recorded.text[recorded.text.index('id="order-summary"') :]
    assert 'hx-swap-oob="true"' in summary and "¥7,000.00" in summary, "the order's figures follow"

    over = await anonymous.post(
        f"/orders/{order_id}/payments", data={**form, "amount": "8000.00"}, headers=htmx(page.text)
    )
    assert over.status_code == 422 and 'data-code="overpayment"' in over.text
    assert "该订单尚欠 ¥7,000.00，少于本次收款 ¥8,000.00" in over.text and 'value="8000.00"' in over.text
    advance = await anonymous.post(
        f"/orders/{order_id}/payments", data={**form, "amount": "8000.00", "advance": "1"}, headers=htmx(page.text)
    )
    assert advance.status_code == 200 and f"已在订单 #{order_id} 上记录预收款 ¥8,000.00" in advance.text
    with db.session() as session:
        assert [(p.amount, p.advance) for p in session.scalars(select(Payment).order_by(Payment.id))] == [
            (Decimal("5000.00"), False),
            (Decimal("8000.00"), True),
        ]

    await login_as(anonymous, "sales_east")
    own = await anonymous.get(f"/orders/{order_id}")
    assert "未收金额" in own.text and '/payments"' not in own.text, "the owner sees the money, not the form"
    refused = await anonymous.post(f"/orders/{order_id}/payments", data=form, headers=htmx(own.text))
    assert refused.status_code == 403


async def test_the_payments_page_refuses_an_overpayment_and_says_what_it_recorded(
    anonymous: httpx.AsyncClient, customers: CustomerSet, db: Database
) -> None:
    order_id = approved_order(db)
    await login_as(anonymous, "finance")
    token = form_token((await anonymous.get("/payments")).text)
    form = {
        "csrf_token": token,
        "order_id": str(order_id),
        "kind": "payment",
        "amount": "12000.01",
        "paid_at": "2026-01-05T10:00",
    }
    over = await anonymous.post("/payments", data=form)
    assert over.status_code == 422 and "该订单尚欠 ¥12,000.00，少于本次收款 ¥12,000.01" in over.text
    assert payments_count(db) == 0
    advance = await anonymous.post("/payments", data={**form, "advance": "1"})
    assert advance.status_code == 303
    page = await anonymous.get(advance.headers["location"])
    assert f"已在订单 #{order_id} 上记录预收款 ¥12,000.01。该订单尚欠 ¥0.00。" in page.text
    assert "预收款</span>" in page.text, "the list marks the advance"
