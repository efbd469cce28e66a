"""The top bar's counts follow the actions that change them at once, not at the next 30 s poll:
a manager bulk-approving from the queue sees the inbox count drop as the answer arrives."""

from __future__ import annotations

import pytest
from temporalio.worker import Worker

from store.db import Database
from tests.orders.test_browser import log_in
from tests.support.customers import make_customers
from tests.support.orders import make_services, order_body, wait_for_approval
from tests.support.org import OrgFixture

pytestmark = pytest.mark.browser


async def test_bulk_approval_refreshes_the_inbox_count_at_once(
    page,
    live_server: str,
    worker: Worker,
    api,  # type: ignore[no-untyped-def]
    db: Database,
    org: OrgFixture,
) -> None:
    make_services(db)
    customers = make_customers(db, org)
    sales = await api("sales_south")
    ids = [
        (await sales.post("/api/orders", json=order_body(customers.own, [("WH", n, "10.00")]))).json()["id"]
        for n in (3, 4)
    ]
    for order_id in ids:
        await wait_for_approval(db, order_id, "manager")

    await log_in(page, live_server, "manager_south", "/approvals")
    count = page.locator("#menu-count .count")  # the folded menu shows it on a phone
    await count.get_by_text("2", exact=True).wait_for()
    for order_id in ids:
        await page.get_by_label(f"勾选订单 #{order_id}").check()
    async with page.expect_response(lambda answer: answer.url.endswith("/approvals/bulk")) as answered:
        await page.get_by_role("button", name="批准勾选的订单").click()
    assert (await answered.value).headers.get("hx-trigger") == "tasks-changed"
    # The badge asks again on the event; the poll is 30 s away, far beyond this wait.
    await count.wait_for(state="detached", timeout=5_000)
    assert await page.locator("#menu-count").inner_text() == ""
