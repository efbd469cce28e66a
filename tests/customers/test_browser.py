"""A salesperson opens a customer's 360 page on a phone and records a visit."""

from __future__ import annotations

import pytest

from store.db import Database
from tests.support.customers import make_customers
from tests.support.org import PASSWORD, OrgFixture

pytestmark = pytest.mark.browser


async def test_the_360_page_shows_the_profile_and_takes_a_record(
    page,
    live_server: str,
    org: OrgFixture,  # type: ignore[no-untyped-def]
    db: Database,
) -> None:
    customers = make_customers(db, org)
    await page.goto(f"{live_server}/login?next=/customers")
    await page.get_by_label("用户名").fill("sales_east")
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(f"{live_server}/customers")
    await page.get_by_role("link", name="杭州优选百货有限公司").click()
    await page.wait_for_url(f"{live_server}/customers/{customers.other}")
    main = page.locator("main")
    assert "王芳" in await main.inner_text() and "华东区零售客户团队" in await main.inner_text()
    assert "¥12,000.00" in await main.inner_text(), "the order and its open receivable are on the page"
    await page.get_by_label("渠道").select_option("visit")
    await page.get_by_label("沟通内容").fill("上门拜访采购经理，谈明年合同续签")
    await page.get_by_role("button", name="记录", exact=True).click()
    await page.get_by_role("status").get_by_text("已记录").wait_for()
    assert "上门拜访采购经理" in await page.locator("#timeline").inner_text()
