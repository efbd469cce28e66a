"""A sales manager on a phone-width browser finds their team's alert on the dashboard, opens it,
is told a note is needed to resolve it, writes one, and sees it resolved."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from temporalio.worker import Worker

from store.db import Database
from store.models import Alert
from tests.alerts.test_scan import crafted
from tests.orders.test_browser import log_in
from tests.support.org import OrgFixture
from tests.support.steps import wait_for_task

pytestmark = pytest.mark.browser


async def test_a_manager_resolves_an_alert_with_a_note(
    page,
    live_server: str,
    worker: Worker,
    api,  # type: ignore[no-untyped-def]
    db: Database,
    org: OrgFixture,
) -> None:
    ids = crafted(db, org)
    assert (await (await api("admin")).post("/api/alerts/scan")).status_code == 200
    with db.session() as session:
        alert_id = session.scalars(select(Alert.id).where(Alert.subject_id == ids["silent"])).one()
    await wait_for_task(db, f"alert-{alert_id}:follow-up")

    await log_in(page, live_server, "manager_south", "/alerts")
    assert await page.locator("[data-severity=low] .value").inner_text() == "1"
    row = page.locator(f"tr[data-alert='{alert_id}']")
    assert "客户沉默" in await row.inner_text()
    await row.get_by_role("link", name="佛山美达电器有限公司").click()
    await page.wait_for_url(f"{live_server}/alerts/{alert_id}")
    assert "已有 120 天没有任何往来" in await page.locator("#alert-figures").inner_text()

    follow_up = page.locator("#follow-up")
    await follow_up.get_by_role("button", name="解决").click()
    await follow_up.get_by_text("请写明采取的措施：解决预警必须填写备注。").wait_for()
    await page.locator("#follow-up").get_by_label("备注").fill("已电话联系，下周拜访")
    await page.locator("#follow-up").get_by_role("button", name="解决").click()
    await page.locator("#follow-up").get_by_role("status").get_by_text("已解决。感谢您的跟进。").wait_for()
    assert await page.locator("#alert-status").inner_text() == "已解决"
    assert "已电话联系，下周拜访" in await page.locator("#follow-up .resolution-note").inner_text()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "nothing but the tables' own scroll areas is wider than the phone"

    await page.goto(f"{live_server}/alerts")
    assert await page.locator(f"tr[data-alert='{alert_id}']").count() == 0, "no longer among the unresolved"
