"""At phone width: the order list keeps each order's status and what it still owes in view, the
order page shows its lines whole, finance records a payment there without leaving the page, and
an approval card shows the seller, the lines and the note."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from temporalio.worker import Worker

from store.db import Database
from store.models import Order, OrderLine
from tests.orders.test_browser import log_in
from tests.support.clock import company_today
from tests.support.customers import make_customers
from tests.support.orders import make_services, order_body, wait_for_approval
from tests.support.org import OrgFixture

pytestmark = pytest.mark.browser
PHONE = 390


def shots() -> Path:
    folder = Path(os.environ.get("BATON_TEST_ARTIFACTS", "/tmp"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def within_phone(locator) -> bool:  # type: ignore[no-untyped-def]
    box = await locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE


async def test_finance_follows_and_records_money_on_a_phone(
    page,
    live_server: str,
    db: Database,  # type: ignore[no-untyped-def]
    org: OrgFixture,
) -> None:
    make_services(db)
    customers = make_customers(db, org)
    with db.session() as session:
        order = Order(
            customer_id=customers.own,
            owner_id=org["sales_south"],
            status="approved",
            requested_date=company_today(),
            total=Decimal("1900.00"),
        )
        session.add(order)
        session.flush()
        session.add_all(
            [
                OrderLine(
                    order_id=order.id,
                    service_code="LTL",
                    quantity=10,
                    unit_price=Decimal("95.00"),
                    amount=Decimal("950.00"),
                ),
                OrderLine(
                    order_id=order.id,
                    service_code="WH",
                    quantity=100,
                    unit_price=Decimal("9.50"),
                    amount=Decimal("950.00"),
                ),
            ]
        )
        order_id = order.id

    await log_in(page, live_server, "finance", "/orders")
    row = page.locator("table.orders tbody tr").filter(has_text="佛山美达电器有限公司")
    status = row.locator(".badge.order-approved")
    assert await status.is_visible() and await within_phone(status), "the status stays on screen"
    assert "¥1,900.00" in await row.inner_text()
    await page.screenshot(path=str(shots() / "orders-phone.png"), full_page=True)

    await page.goto(f"{live_server}/orders/{order_id}")
    lines = page.locator("table.order-lines-table tbody tr")
    for number, text in ((0, "零担运输"), (1, "仓储")):
        line = lines.nth(number)
        assert text in await line.inner_text() and await within_phone(line.get_by_text("¥950.00").first)
    form = page.locator("#order-money form")
    await form.get_by_label("金额", exact=True).fill("500.00")
    await form.get_by_label("付款时间").fill("2026-01-05T10:00")
    await form.get_by_role("button", name="记录").click()
    await page.get_by_role("status").get_by_text(f"已在订单 #{order_id} 上记录收款 ¥500.00").wait_for()
    await page.locator("#order-summary").get_by_text("¥1,400.00").wait_for()
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE
    await page.screenshot(path=str(shots() / "order-page-phone.png"), full_page=True)


async def test_an_approval_card_holds_what_to_decide_from_on_a_phone(
    page,
    live_server: str,
    worker: Worker,  # type: ignore[no-untyped-def]
    api,
    db: Database,
    org: OrgFixture,
) -> None:
    make_services(db)
    customers = make_customers(db, org)
    sales = await api("sales_south")
    created = await sales.post(
        "/api/orders",
        json={**order_body(customers.own, [("LTL", 10, "95.00"), ("WH", 100, "9.50")]), "note": "年框合同价，请今天批"},
    )
    order_id = created.json()["id"]
    await wait_for_approval(db, order_id, "manager")
    await log_in(page, live_server, "manager_south", "/approvals")
    card = page.locator("li.approval").filter(has_text=f"订单 #{order_id}")
    text = " ".join((await card.inner_text()).split())
    for expected in (
        "张伟",
        "零担运输",
        "10 × ¥95.00 = ¥950.00",
        "仓储",
        "¥1,900.00",
        "年框合同价，请今天批",
        "新客户",
    ):
        assert expected in text, expected
    assert await within_phone(card.get_by_text("¥950.00").first)
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE
    await page.screenshot(path=str(shots() / "approval-card-phone.png"), full_page=True)
