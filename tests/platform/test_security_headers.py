"""Pages carry a Content-Security-Policy (scripts only from Baton, no framing), X-Frame-Options,
Referrer-Policy and X-Content-Type-Options, and every page still works under it: no inline
script or eval is refused in a real browser."""

from __future__ import annotations

import httpx
import pytest

from tests.support.customers import make_customers
from tests.support.orders import make_services
from tests.support.org import PASSWORD, OrgFixture


async def test_every_answer_carries_the_safety_headers(anonymous: httpx.AsyncClient) -> None:
    for path in ("/login", "/api/me", "/static/baton.js", "/no-such-page"):
        headers = (await anonymous.get(path)).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert "unsafe-eval" not in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


@pytest.mark.browser
async def test_pages_work_under_the_policy(page, live_server: str, db, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    make_services(db)
    customers = make_customers(db, org)
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    await page.goto(f"{live_server}/login")
    await page.get_by_label("用户名").fill("sales_south")
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(f"{live_server}/")
    for path in ("/", "/customers", f"/customers/{customers.own}", "/orders", "/orders/new", "/inbox", "/search"):
        await page.goto(f"{live_server}{path}")
        await page.wait_for_load_state("networkidle")
    await page.goto(f"{live_server}/customers/{customers.own}")
    await page.locator("details.menu > summary").click()  # baton.js and the menu run under the policy
    await page.get_by_label("沟通内容").fill("电话沟通，客户确认下周发货")
    await page.get_by_role("button", name="记录").click()
    await page.get_by_text("电话沟通，客户确认下周发货").first.wait_for()  # the HTMX form swapped its answer in
    assert refused == []
