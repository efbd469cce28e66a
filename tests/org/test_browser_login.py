"""A person logs in with a real browser at phone width and sees their home page in Chinese."""

from __future__ import annotations

import pytest

from tests.support.org import PASSWORD, OrgFixture

pytestmark = pytest.mark.browser


async def test_salesperson_logs_in_and_sees_their_desk_in_chinese(page, live_server: str, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    await page.goto(f"{live_server}/")
    assert page.url.endswith("/login?next=/")
    assert await page.locator("h1").inner_text() == "登录 Baton"
    await page.get_by_label("用户名").fill("sales_south")
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(f"{live_server}/")
    assert await page.locator("h1").inner_text() == "我的工作台"
    assert "张伟，你好" in await page.locator("main").inner_text()
    await page.locator("details.menu > summary").click()  # the navigation is a menu at phone width
    assert await page.get_by_role("link", name="首页").is_visible()


async def test_wrong_password_stays_on_the_login_page_with_the_reason(page, live_server: str, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    await page.goto(f"{live_server}/login")
    await page.get_by_label("用户名").fill("hr")
    await page.get_by_label("密码").fill("not-the-password")
    await page.get_by_role("button", name="登录").click()
    assert await page.get_by_role("alert").inner_text() == "用户名或密码错误。"
