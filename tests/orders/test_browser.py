"""An order from the form to approved, on a phone-width browser: the salesperson adds a second line
and watches the total, the team manager approves from the approval queue, finance approves, and
the order page shows it approved with both approvals."""

from __future__ import annotations

import re

import pytest
from temporalio.worker import Worker

from store.db import Database
from tests.support.customers import make_customers
from tests.support.orders import make_services, wait_for_approval, wait_for_status
from tests.support.org import PASSWORD, OrgFixture

pytestmark = pytest.mark.browser


async def log_in(page, live_server: str, username: str, target: str) -> None:  # type: ignore[no-untyped-def]
    await page.context.clear_cookies()
    await page.goto(f"{live_server}/login?next={target}")
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(f"{live_server}{target}")


async def approve_from_the_queue(page, live_server: str, username: str, order_id: int) -> None:  # type: ignore[no-untyped-def]
    await log_in(page, live_server, username, "/approvals")
    row = page.locator("li.approval").filter(has_text=f"订单 #{order_id}")
    await row.get_by_role("button", name="同意").click()
    await row.get_by_role("status").get_by_text("已记录：已批准").wait_for()


async def test_an_order_goes_from_the_form_to_approved(
    page,
    live_server: str,
    worker: Worker,  # type: ignore[no-untyped-def]
    db: Database,
    org: OrgFixture,
) -> None:
    make_services(db)
    make_customers(db, org)
    await log_in(page, live_server, "sales_south", "/orders/new")
    await page.get_by_label("客户").select_option(label="佛山美达电器有限公司")
    first = page.locator("#line-0")
    await first.get_by_label("服务").select_option("LTL")
    await first.get_by_label("数量").fill("10")
    await first.get_by_label("单价").fill("95.00")
    await first.get_by_label("单价").press("Tab")
    total = page.locator("#order-total")
    await total.get_by_text("¥950.00").wait_for()
    await first.get_by_text("标价 ¥100.00 · 底价 ¥80.00").wait_for()

    await page.get_by_role("button", name="添加一行").click()
    second = page.locator("#line-1")
    await second.get_by_label("服务").select_option("WH")
    await second.get_by_label("数量").fill("100")
    await second.get_by_label("单价").fill("9.50")
    await second.get_by_label("单价").press("Tab")
    await total.get_by_text("¥1,900.00").wait_for()
    assert await first.get_by_label("单价").input_value() == "95.00", "the first line kept what was typed"

    await page.get_by_role("button", name="提交审批").click()
    await page.wait_for_url(re.compile(rf"{live_server}/orders/\d+$"))
    order_id = int(page.url.rsplit("/", 1)[1])
    assert "待审批" in await page.locator("main").inner_text()

    await wait_for_approval(db, order_id, "manager")
    await approve_from_the_queue(page, live_server, "manager_south", order_id)
    await wait_for_approval(db, order_id, "finance")
    await approve_from_the_queue(page, live_server, "finance", order_id)
    await wait_for_status(db, order_id, "approved")

    await log_in(page, live_server, "sales_south", f"/orders/{order_id}")
    figures = await page.locator(".figures").inner_text()
    assert "已批准" in figures and "¥1,900.00" in figures
    approvals = page.locator("#approvals tbody tr")
    assert await approvals.count() == 2
    assert "团队经理" in await approvals.nth(0).inner_text() and "陈杰" in await approvals.nth(0).inner_text()
    assert "财务" in await approvals.nth(1).inner_text() and "周敏" in await approvals.nth(1).inner_text()
    assert "已批准" in await approvals.nth(1).inner_text()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "nothing but the tables' own scroll areas is wider than the phone"
