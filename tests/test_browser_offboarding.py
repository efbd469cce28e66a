"""A handover on a phone-width browser: the leaver uploads the customer files and the contracts and
marks both done, the team manager approves where the customers go, the department head, HR and
finance sign, and HR confirms the departure. The checklist items nobody here is about are done
over the API."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from temporalio.worker import Worker

from store.db import Database
from tests.support.offboarding import item_task, make_book, start_case, wait_for_case
from tests.support.offboarding_pages import LEAVER_ITEMS, do_items, review_task
from tests.support.org import OrgFixture
from tests.test_browser_orders import log_in

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
UPLOADED = ("customer_files", "contracts_quotes")


async def upload_and_finish(page, key: str, filename: str) -> None:  # type: ignore[no-untyped-def]
    """In "what you still need to do": add the file, see it listed, mark the item done."""
    todo = page.locator(f"#todo li[data-item={key}]")
    await todo.locator("input[type=file]").set_input_files(
        files=[{"name": filename, "mimeType": "application/pdf", "buffer": PDF}])
    await todo.get_by_role("button", name="上传").click()
    await todo.get_by_role("link", name=filename).wait_for()
    await todo.get_by_label("备注").fill("已上传，原件交给经理")
    await todo.get_by_role("button", name="标记为完成").click()
    await page.locator(f"#item-{key}").get_by_text("已完成").wait_for()


async def sign(page, live_server: str, username: str, case_id: int, party: str) -> None:  # type: ignore[no-untyped-def]
    await log_in(page, live_server, username, f"/offboardings/{case_id}")
    review = page.locator(f"#reviews li[data-party={party}]")
    await review.get_by_label("备注").fill(f"{username} 已核对")
    await review.get_by_role("button", name="签字确认").click()
    await page.locator(f"#reviews li[data-party={party}] .badge").get_by_text("已签字").wait_for()


async def test_a_handover_from_the_leaver_to_hr(page, live_server: str, worker: Worker, api,  # type: ignore[no-untyped-def]
                                                db: Database, org: OrgFixture) -> None:
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
    assert "合同与报价单.pdf" in await page.locator("#item-contracts_quotes").inner_text()

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
