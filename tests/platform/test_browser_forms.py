"""A refused form says why where it was filled in: the problem at its field, by the field's label
(never the raw field name), the rest in a summary at the top of the form, and what was typed stays.
One mechanism (static/baton.js) serves every HTMX form; these are two of them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from store.db import Database
from tests.orders.test_browser import log_in
from tests.support.customers import make_customers
from tests.support.org import OrgFixture

pytestmark = pytest.mark.browser


async def test_a_contact_dated_in_the_future_is_refused_at_its_field(
    page,
    live_server: str,
    db: Database,  # type: ignore[no-untyped-def]
    org: OrgFixture,
) -> None:
    customers = make_customers(db, org)
    await log_in(page, live_server, "sales_south", f"/customers/{customers.own}")
    form = page.locator("form.record-form")
    await form.get_by_label("沟通内容").fill("电话确认下周三上门")
    tomorrow = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=2)
    await form.get_by_label("时间").fill(tomorrow.strftime("%Y-%m-%dT%H:%M"))
    await form.get_by_role("button", name="记录", exact=True).click()

    summary = form.get_by_role("alert")
    await summary.get_by_text("部分字段不符合要求。").wait_for()
    assert "时间：时间不能晚于现在。" in await summary.inner_text(), "named by its label"
    when = form.get_by_label("时间")
    assert await when.get_attribute("aria-invalid") == "true"
    described = await when.get_attribute("aria-describedby")
    assert await page.locator(f"#{described}").inner_text() == "时间不能晚于现在。", "the message at the field"
    assert "occurred_at" not in await page.locator("main").inner_text()
    assert await form.get_by_label("沟通内容").input_value() == "电话确认下周三上门", "what was typed stays"

    await when.fill((tomorrow - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"))
    await form.get_by_role("button", name="记录", exact=True).click()
    await page.get_by_role("status").get_by_text("已记录").wait_for()
    assert await page.locator("[aria-invalid=true]").count() == 0, "the problem is gone with the fix"
    assert "电话确认下周三上门" in await page.locator("#timeline").inner_text()


async def test_a_refusal_the_form_cannot_place_at_a_field_is_shown_at_the_form(
    page,
    live_server: str,  # type: ignore[no-untyped-def]
    db: Database,
    org: OrgFixture,
) -> None:
    """A record on a customer that has gone (deleted while the page was open) answers 404: the
    form says so instead of doing nothing."""
    customers = make_customers(db, org)
    await log_in(page, live_server, "sales_south", f"/customers/{customers.own}")
    form = page.locator("form.record-form")
    await form.evaluate("(f, id) => f.setAttribute('hx-post', '/customers/' + id + '/interactions')", 999_999)
    await page.evaluate("htmx.process(document.querySelector('form.record-form'))")
    await form.get_by_label("沟通内容").fill("补录一条")
    await form.get_by_role("button", name="记录", exact=True).click()
    await form.get_by_role("alert").get_by_text("未找到。").wait_for()
    assert await form.get_by_label("沟通内容").input_value() == "补录一条"
