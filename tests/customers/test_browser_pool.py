"""On a phone, a salesperson claims a lead of their team's pool and sees their claims left; a
manager who also sells assigns a lead to a salesperson of their team."""

from __future__ import annotations

import pytest

from store.db import Database
from store.models import Setting
from tests.support.org import PASSWORD, OrgFixture
from tests.support.territories import add_lead, make_territories

pytestmark = pytest.mark.browser


async def log_in(page, live_server: str, username: str, target: str) -> None:  # type: ignore[no-untyped-def]
    await page.goto(f"{live_server}/login?next={target}")
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(f"{live_server}{target}")


async def test_a_salesperson_claims_from_the_pool_on_a_phone(
    page,
    live_server: str,
    org: OrgFixture,  # type: ignore[no-untyped-def]
    db: Database,
) -> None:
    world = make_territories(db, org)
    add_lead(db, world.team("south"), "中山创新塑胶有限公司")
    add_lead(db, world.team("south"), "江门新会五金厂")
    with db.session() as session:
        session.add(Setting(key="pool.daily_claims", value="2"))
    await log_in(page, live_server, "sales_south", "/customers")
    await page.get_by_label("本团队公海").check()
    await page.get_by_text("今天还可认领 2 条线索").wait_for()
    row = page.locator("li.customer-row", has_text="中山创新塑胶有限公司")
    await row.get_by_role("button", name="认领").click()
    await row.get_by_role("status").get_by_text("已认领").wait_for()
    assert "今天还可认领 1 条线索" in await page.locator("#claims-left").inner_text()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "nothing wider than the phone"
    await page.get_by_role("link", name="中山创新塑胶有限公司").click()
    assert "从公海认领" in await page.locator("main").inner_text()


async def test_a_selling_manager_assigns_a_lead_from_the_list(
    page,
    live_server: str,
    org: OrgFixture,  # type: ignore[no-untyped-def]
    db: Database,
) -> None:
    world = make_territories(db, org)
    add_lead(db, world.team("south_b"), "江门新材料有限公司")
    await log_in(page, live_server, "manager_south_b", "/customers?pool=true")
    row = page.locator("li.customer-row", has_text="江门新材料有限公司")
    await row.get_by_label("分配给").select_option(label="吴敏")
    await row.get_by_role("button", name="分配").click()
    await page.locator("li.customer-row", has_text="江门新材料有限公司").get_by_text("已分配给吴敏").wait_for()
