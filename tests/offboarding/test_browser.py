"""A handover on a phone-width browser: the leaver uploads the customer files and the contracts and
marks both done, the team manager approves where the customers go, the department head, HR and
finance sign, and HR confirms the departure. The checklist items nobody here is about are done
over the API."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from temporalio.worker import Worker

from baton.demo_company import load_demo_company
from baton.demo_company_data import DEMO_PASSWORD
from store.db import Database
from store.models import Employee, Order
from tests.orders.test_browser import log_in
from tests.support.clock import company_today
from tests.support.offboarding import item_task, make_book, start_case, wait_for_case
from tests.support.offboarding_pages import LEAVER_ITEMS, do_items, review_task
from tests.support.org import OrgFixture

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
UPLOADED = ("customer_files", "contracts_quotes")


async def upload_and_finish(page, key: str, filename: str) -> None:  # type: ignore[no-untyped-def]
    """In "what you still need to do": add the file, see it listed, mark the item done."""
    todo = page.locator(f"#todo li[data-item={key}]")
    await todo.locator("input[type=file]").set_input_files(
        files=[{"name": filename, "mimeType": "application/pdf", "buffer": PDF}]
    )
    await todo.get_by_role("button", name="上传").click()
    await todo.get_by_role("link", name=filename).wait_for()
    await todo.get_by_label("备注").fill("已上传，原件交给经理")
    await todo.get_by_role("button", name="标记为完成").click()
    await page.locator(f"#item-{key} .badge").get_by_text("已完成").wait_for(state="attached")


async def sign(page, live_server: str, username: str, case_id: int, party: str) -> None:  # type: ignore[no-untyped-def]
    await log_in(page, live_server, username, f"/offboardings/{case_id}")
    review = page.locator(f"#reviews li[data-party={party}]")
    await review.get_by_label("备注").fill(f"{username} 已核对")
    await review.get_by_role("button", name="签字确认").click()
    await page.locator(f"#reviews li[data-party={party}] .badge").get_by_text("已签字").wait_for()


async def test_a_handover_from_the_leaver_to_hr(
    page,
    live_server: str,
    worker: Worker,
    api,  # type: ignore[no-untyped-def]
    db: Database,
    org: OrgFixture,
) -> None:
    book = make_book(db, org, customers=3)
    case_id = (await start_case(await api("hr"), org["sales_south"]))["id"]
    for key in UPLOADED:
        await item_task(db, case_id, key)

    await log_in(page, live_server, "sales_south", f"/offboardings/{case_id}")
    assert "您还需要完成的事项" in await page.locator("#todo > h2").inner_text()
    await upload_and_finish(page, "customer_files", "客户资料.pdf")
    await upload_and_finish(page, "contracts_quotes", "合同与报价单.pdf")
    assert await page.locator("#todo li[data-item=customer_files]").count() == 0, "done items leave the to-do list"
    assert "2 / 10" in await page.locator(".figures").inner_text()
    assert "合同与报价单.pdf" in (await page.locator("#item-contracts_quotes").text_content() or "")

    clients = {"leaver": await api("sales_south"), "finance": await api("finance"), "admin": await api("admin")}
    rest = tuple(key for key in LEAVER_ITEMS if key not in UPLOADED)
    await do_items(db, clients, case_id, book, org["sales_south"], (*rest, "receivables", "accounts_devices"))

    await log_in(page, live_server, "manager_south", f"/offboardings/{case_id}")
    plan = page.locator("#plan")
    first = plan.get_by_label("华南客户00有限公司 的接手人")
    assert await first.input_value() != "", "the proposal is filled in"
    await first.select_option(label="李娜")
    await plan.get_by_role("button", name="批准方案并移交客户").click()
    await plan.get_by_text("方案已执行").wait_for()
    rows = plan.locator("tbody tr")
    assert await rows.count() == 3
    assert "李娜" in await rows.nth(0).inner_text() and "已移交" in await rows.nth(0).inner_text()
    assert all(any(name in text for name in ("李娜", "王强")) for text in await rows.all_inner_texts())

    await do_items(db, clients, case_id, book, org["sales_south"], ("customer_notice",))
    await wait_for_case(db, case_id, "review")
    for username, party in (("head", "department_head"), ("finance", "finance"), ("hr", "hr")):
        await review_task(db, org["sales_south"], party)
        await sign(page, live_server, username, case_id, party)

    await wait_for_case(db, case_id, "final")
    await page.reload()
    reviews = await page.locator("#reviews").inner_text()
    assert reviews.count("已签字") == 3 and "刘洋" in reviews and "周敏" in reviews and "孙丽" in reviews
    await page.get_by_label("确认提前离职").check()
    await page.get_by_label("提前离职的原因").fill("交接已全部完成")
    await page.get_by_role("button", name="确认离职").click()
    await page.locator("#case[data-status=completed]").wait_for()
    statuses = await page.locator("#checklist .item-head .badge").all_inner_texts()
    assert statuses == ["已完成"] * 10
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "nothing but the tables' own scroll areas is wider than the phone"

    await page.get_by_role("link", name="交接报告").click()
    customers = await page.locator("#report-customers").inner_text()
    assert "华南客户00有限公司\t李娜" in customers
    await page.emulate_media(media="print")
    assert not await page.locator("header.topbar").is_visible(), "printing leaves the navigation out"
    artifacts = Path(os.environ.get("BATON_TEST_ARTIFACTS", "/tmp"))
    await page.screenshot(path=str(artifacts / "handover-report.png"), full_page=True)


async def test_the_demo_leavers_own_page_is_short(
    page,
    live_server: str,
    worker: Worker,
    app,  # type: ignore[no-untyped-def]
    db: Database,
) -> None:
    """张伟 of the demo company: two dozen customers owing money on scores of orders. Her page
    asks one collection plan per customer and folds what is not hers to do now."""
    assert load_demo_company(db, today=company_today())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://baton.test") as hr:
        token = (await hr.post("/api/login", json={"username": "sun.li", "password": DEMO_PASSWORD})).json()["token"]
        hr.headers["Authorization"] = f"Bearer {token}"
        with db.session() as session:
            zhang = session.scalars(select(Employee).where(Employee.username == "zhang.wei")).one()
        case_id = (await start_case(hr, zhang.id))["id"]
    await item_task(db, case_id, "open_orders")
    await page.context.clear_cookies()
    await page.goto(f"{live_server}/login?next=/offboardings/mine")
    await page.get_by_label("用户名").fill("zhang.wei")
    await page.get_by_label("密码").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(f"{live_server}/offboardings/{case_id}")
    plans = page.locator("#todo li[data-item=open_orders] input[name=collection_plan]")
    with db.session() as session:
        owing = {
            order.customer_id
            for order in session.scalars(select(Order).where(Order.owner_id == zhang.id, Order.status == "approved"))
        }
    assert 0 < await plans.count() <= len(owing), "one collection plan per customer still owing"
    artifacts = Path(os.environ.get("BATON_TEST_ARTIFACTS", "/tmp"))
    for width, height, most in ((390, 844, 9_000), (1280, 900, 7_000)):
        await page.set_viewport_size({"width": width, "height": height})
        tall = await page.evaluate("document.documentElement.scrollHeight")
        await page.screenshot(path=str(artifacts / f"demo-leaver-{width}.png"), full_page=True)
        assert tall <= most, f"{tall}px at {width} wide"
        assert await page.evaluate("document.documentElement.scrollWidth") <= width
    assert not await page.locator("#checklist li[data-item=customer_files]").is_visible(), "the checklist is folded"


async def test_the_plan_summary_follows_the_managers_selects(
    page,
    live_server: str,
    worker: Worker,
    api,  # type: ignore[no-untyped-def]
    db: Database,
    org: OrgFixture,
) -> None:
    book = make_book(db, org, customers=3)
    case_id = (await start_case(await api("hr"), org["sales_south"]))["id"]
    await log_in(page, live_server, "manager_south", f"/offboardings/{case_id}")
    summary = page.locator("#plan-load")
    assert await summary.locator("li").count() == 2, "the proposal shares the customers between two teammates"
    plan = page.locator("#plan")
    for index in range(3):
        await plan.get_by_label(f"华南客户{index:02d}有限公司 的接手人").select_option(label="王强")
    await page.locator(f"#plan-load li[data-person='{book.teammate}']").get_by_text("3 个客户").wait_for()
    assert await page.locator("#plan-load li").count() == 1
    assert "¥80,000.00" in await summary.inner_text(), "the revenue the successor takes over"
    await plan.get_by_label("华南客户00有限公司 的接手人").select_option(label="李娜")
    await page.locator(f"#plan-load li[data-person='{org['sales_south2']}']").get_by_text("1 个客户").wait_for()
    assert "2 个客户" in await page.locator(f"#plan-load li[data-person='{book.teammate}']").inner_text()


async def test_a_successful_upload_clears_what_was_refused_before(
    page,
    live_server: str,
    worker: Worker,
    api,  # type: ignore[no-untyped-def]
    db: Database,
    org: OrgFixture,
) -> None:
    make_book(db, org, customers=2)
    case_id = (await start_case(await api("hr"), org["sales_south"]))["id"]
    await item_task(db, case_id, "customer_files")
    await log_in(page, live_server, "sales_south", f"/offboardings/{case_id}")
    item = page.locator("#todo li[data-item=customer_files]")
    await item.locator("input[type=file]").set_input_files(
        files=[{"name": "setup.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00"}]
    )
    await item.get_by_role("button", name="上传").click()
    await item.locator(".alert[data-code=type_not_allowed]").wait_for()
    await item.get_by_role("button", name="标记为完成").click()
    await page.locator("#todo li[data-item=customer_files] .alert[data-code=task_incomplete]").wait_for()

    item = page.locator("#todo li[data-item=customer_files]")
    await item.locator("input[type=file]").set_input_files(
        files=[{"name": "客户资料.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    await item.get_by_role("button", name="上传").click()
    await item.get_by_role("link", name="客户资料.pdf").wait_for()
    assert await item.locator(".alert").count() == 0, "no error left on screen once the file is in"
