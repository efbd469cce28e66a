"""The four stories walked on a phone-width browser by the people of the second company
(tests/support/second_company.py), in its second department: 魏强's, where 沈涛 sells in 北方零售组,
whose manager 蒋丽 is away with 韩梅 standing in for her. A large order goes to 魏强, not to the
first department's head; 沈涛's handover is signed off by 魏强, HR and finance; each team's manager
reviews their own team's commission, 韩梅 hers for 蒋丽; 蒋丽 follows up an alert about 沈涛.
What waits for a deadline or a scan is set up over the API or in the records; the browser walks
the screens where people decide."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from temporalio.worker import Worker

from schemas.policies import DeadlinePolicy
from store.db import Database
from store.models import Alert
from store.models.base import utcnow
from store.repo.tasks import policies
from tests.orders.test_browser import log_in
from tests.support.clock import company_today
from tests.support.commission import day_in, last_period, pay, sale, wait_for_settlement
from tests.support.offboarding import item_task, wait_for_case
from tests.support.orders import make_services, wait_for_approval, wait_for_status
from tests.support.risk import Books
from tests.support.second_company import SecondCompany
from tests.support.steps import wait_for_task

pytestmark = pytest.mark.browser
REVIEW_WINDOW = timedelta(seconds=4)
ONE_ITEM = {
    "items": [{"key": "key_contacts", "title": "交接关键联系人", "assignee": "employee", "evidence": "comment"}]
}
LINES_OF_TEXT = """element => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const tops = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top));
  }
  return tops.size;
}"""
LABELS_OVER_NOTHING = """row => Array.from(row.cells).filter(cell => getComputedStyle(cell).display !== "none"
  && cell.hasAttribute("data-label") && !cell.textContent.trim()).length"""


async def lines_of(locator) -> int:  # type: ignore[no-untyped-def]
    """How many lines the element's text takes on screen: a name broken over lines is unreadable."""
    found: int = await locator.evaluate(LINES_OF_TEXT)
    return found


async def keep(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """The screen as an artifact at phone and desktop width; at neither is the page wider than the screen."""
    artifacts = Path(os.environ.get("BATON_TEST_ARTIFACTS", "/tmp"))
    artifacts.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 900), (390, 844)):
        await page.set_viewport_size({"width": width, "height": height})
        await page.screenshot(path=str(artifacts / f"second-{name}-{width}.png"), full_page=True)
        assert await page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} at {width} wide"


async def approve_on_card(page, live_server: str, username: str, order_id: int, step: str) -> None:  # type: ignore[no-untyped-def]
    await log_in(page, live_server, username, "/approvals")
    card = page.locator("li.approval").filter(has_text=f"订单 #{order_id}")
    assert f"{step} · 销售员 沈涛" in await card.locator(".meta").inner_text()
    await card.get_by_role("button", name="同意").click()
    await card.get_by_role("status").get_by_text("已记录：已批准").wait_for()


async def test_a_large_order_of_the_second_department_goes_to_its_own_head(  # type: ignore[no-untyped-def]
    page, live_server: str, worker: Worker, second_api, db: Database, second_company: SecondCompany
) -> None:
    make_services(db)
    admin = await second_api("admin")
    assert (await admin.put("/api/settings/order.head_threshold", json={"value": "5000"})).status_code == 200

    await log_in(page, live_server, "n1a", "/orders/new")
    await page.get_by_label("客户").select_option(label="天津万家福超市有限公司")
    line = page.locator("#line-0")
    await line.get_by_label("服务").select_option("FTL")
    await line.get_by_label("数量").fill("2")
    await line.get_by_label("单价").fill("4800.00")
    await line.get_by_label("单价").press("Tab")
    await page.locator("#order-total").get_by_text("¥9,600.00").wait_for()
    await page.get_by_role("button", name="提交审批").click()
    await page.wait_for_url(re.compile(rf"{live_server}/orders/\d+$"))
    order_id = int(page.url.rsplit("/", 1)[1])

    await wait_for_approval(db, order_id, "manager")
    await approve_on_card(page, live_server, "mgr_n1", order_id, "团队经理")  # 蒋丽, on leave, from her phone
    await wait_for_approval(db, order_id, "head")
    await log_in(page, live_server, "head_south", "/approvals")
    assert await page.locator("li.approval").filter(has_text=f"订单 #{order_id}").count() == 0, (
        "the first department's head is not asked"
    )
    await approve_on_card(page, live_server, "head_north", order_id, "部门负责人")
    await wait_for_approval(db, order_id, "finance")
    await approve_on_card(page, live_server, "finance", order_id, "财务")
    await wait_for_status(db, order_id, "approved")

    await log_in(page, live_server, "n1a", f"/orders/{order_id}")
    assert "已批准" in await page.locator(".figures").inner_text()
    rows = page.locator("#approvals tbody tr")
    expected = [("团队经理", "蒋丽"), ("部门负责人", "魏强"), ("财务", "罗芳")]
    assert await rows.count() == len(expected)
    for index, (step, name) in enumerate(expected):
        row = rows.nth(index)
        text = await row.inner_text()
        assert step in text and name in text and "已批准" in text, text
        assert await lines_of(row.locator("td").nth(2)) == 1, f"{name} is on one line at phone width"
        assert await row.evaluate(LABELS_OVER_NOTHING) == 0, "no label without a value (no comment)"
    await keep(page, "order-approved")


async def test_a_handover_in_the_second_department_is_signed_off_by_its_own_head(  # type: ignore[no-untyped-def]
    page, live_server: str, worker: Worker, second_api, db: Database, second_company: SecondCompany
) -> None:
    admin = await second_api("admin")
    assert (await admin.put("/api/offboarding-templates/sales", json=ONE_ITEM)).status_code == 200

    await log_in(page, live_server, "hr", "/offboardings")
    start = page.locator("#start-form")
    await start.get_by_label("离职人员").select_option(label="沈涛")
    await start.get_by_label("原因").fill("回老家发展")
    await start.get_by_label("最后工作日").fill((company_today() + timedelta(days=7)).isoformat())
    await start.get_by_role("button", name="发起离职交接").click()
    await page.wait_for_url(re.compile(rf"{live_server}/offboardings/\d+$"))
    case_id = int(page.url.rsplit("/", 1)[1])

    await item_task(db, case_id, "key_contacts")
    await log_in(page, live_server, "n1a", "/")
    await page.goto(f"{live_server}/offboardings/mine")
    await page.wait_for_url(f"{live_server}/offboardings/{case_id}")
    assert "您还需要完成的事项" in await page.locator("#todo > h2").inner_text()
    todo = page.locator("#todo li[data-item=key_contacts]")
    assert "请在备注中说明交接了什么。" in await todo.inner_text()
    await keep(page, "handover-mine")
    await todo.get_by_label("备注").fill("客户联系人已交给韩梅")
    await todo.get_by_role("button", name="标记为完成").click()
    await page.locator("#item-key_contacts .badge").get_by_text("已完成").wait_for(state="attached")

    await log_in(page, live_server, "mgr_n1", f"/offboardings/{case_id}")
    plan = page.locator("#plan")
    customer = plan.locator("tbody tr").filter(has_text="天津万家福超市有限公司")
    assert await plan.get_by_label("天津万家福超市有限公司 的接手人").input_value() == str(second_company["n1b"])
    assert await lines_of(customer.get_by_role("link", name="天津万家福超市有限公司")) == 1
    await keep(page, "handover-plan")
    await plan.get_by_role("button", name="批准方案并移交客户").click()
    await plan.get_by_text("方案已执行").wait_for()
    assert "已移交" in await customer.inner_text()

    await wait_for_case(db, case_id, "review")
    await log_in(page, live_server, "head_north", f"/offboardings/{case_id}")
    reviews = page.locator("#reviews")
    parties = {"department_head": "待处理人 魏强", "hr": "待处理人 任一人力资源", "finance": "待处理人 任一财务"}
    for party, waiting in parties.items():
        assert waiting in await reviews.locator(f"li[data-party={party}] .muted").first.inner_text(), party
    await keep(page, "handover-sign-offs")
    head = reviews.locator("li[data-party=department_head]")
    await head.get_by_role("button", name="签字确认").click()
    await page.locator("#reviews li[data-party=department_head] .badge").get_by_text("已签字").wait_for()
    assert "魏强" in await page.locator("#reviews li[data-party=department_head]").inner_text()


async def test_each_team_reviews_its_own_commission_and_the_deputy_the_away_managers(  # type: ignore[no-untyped-def]
    page, live_server: str, worker: Worker, second_api, db: Database, second_company: SecondCompany
) -> None:
    with db.session() as session:
        policies.put_policy(
            session, actor_id=None, key="commission.review", policy=DeadlinePolicy(due_in=REVIEW_WINDOW)
        )
    finance = await second_api("finance")
    plan = {"tiers": [{"from": "0", "rate": "0.02"}], "effective_from": "2020-01"}
    assert (await finance.put("/api/commission/plan", json=plan)).status_code == 200
    period = last_period()
    for seller in ("s1a", "s2a", "mgr_s2", "n1a", "w1", "solo"):
        pay(db, sale(db, second_company, seller, "10000.00"), "10000.00", day_in(period, 5))

    await log_in(page, live_server, "finance", "/commission")
    opening = page.locator("#open-form")
    await opening.get_by_label("期间").fill(period)
    await opening.get_by_role("button", name="开始结算").click()
    await page.wait_for_url(f"{live_server}/commission/{period}")
    await wait_for_settlement(db, period, "manager_review")  # the review window closed on its own

    for username, team, manager in (
        ("mgr_s1", "华南工业一组", "郑浩"),
        ("mgr_s2", "华南工业二组", "冯刚"),
        ("mgr_w", "西南工业组", "唐军"),
    ):
        await log_in(page, live_server, username, f"/commission/{period}")
        reviews = page.locator("#reviews li.review")
        assert await reviews.count() == 1, f"{username} sees their own team's review only"
        review = await reviews.inner_text()
        assert f"审核{team} {period} 的提成" in review and manager in review
        assert await reviews.get_by_role("button", name="批准本团队提成").count() == 1
    names = page.locator("#statements tbody td:first-child a")
    assert await names.count() == 1 and await lines_of(names.first) == 1
    await log_in(page, live_server, "mgr_s2", f"/commission/{period}")
    for cell in await page.locator("#statements tbody td:first-child a").all():
        assert await lines_of(cell) == 1, "the statement's names are on one line at phone width"
    await keep(page, "commission-team")

    await log_in(page, live_server, "n1b", "/notifications")
    all_box = await page.locator("main strong").get_by_text("全部").bounding_box()
    mark_box = await page.get_by_role("button", name="全部标为已读").bounding_box()
    assert all_box and mark_box and abs(all_box["y"] - mark_box["y"]) < 8, "the filters and 'mark all' share a line"
    await page.get_by_role("link", name=f"蒋丽 不在期间由你代办：审核北方零售组 {period} 的提成").click()
    await page.wait_for_url(re.compile(rf"{live_server}/tasks/.+"))
    panel = page.locator("#task-panel")
    assert "韩梅 (代蒋丽处理)" in await panel.inner_text()
    assert await panel.get_by_label("备注").get_attribute("placeholder") is None, "nothing here can be rejected"
    await panel.locator("#task-attachments section").wait_for()
    assert await panel.get_by_role("heading", name=re.compile("材料")).count() == 1, "one heading for the files"
    await keep(page, "commission-deputy-task")
    await panel.get_by_role("button", name="同意").click()
    await page.get_by_role("status").get_by_text("已记录").wait_for()


async def test_the_away_manager_follows_up_an_alert_about_her_salesperson(  # type: ignore[no-untyped-def]
    page, live_server: str, worker: Worker, second_api, db: Database, second_company: SecondCompany
) -> None:
    books = Books(db, second_company, now=utcnow())
    books.order(books.customer("n1a", team="n1", name="天津华联商厦"), "n1a", "50000.00", books.ago(30))
    books.order(books.customer("s1a", team="s1"), "s1a", "10000.00", books.ago(30))
    assert (await (await second_api("admin")).post("/api/alerts/scan")).status_code == 200
    with db.session() as session:
        alert_id = session.scalars(
            select(Alert.id).where(Alert.rule == "revenue_concentration", Alert.subject_id == second_company["n1a"])
        ).one()
    await wait_for_task(db, f"alert-{alert_id}:follow-up")

    await log_in(page, live_server, "mgr_n1", "/alerts")
    rows = page.locator("tr[data-alert]")
    assert await rows.count() == 1, "吴婷's alert is the south's, not hers"
    assert "营收集中" in await rows.inner_text() and "北方零售组" in await rows.inner_text()
    await rows.get_by_role("link", name="沈涛").click()
    await page.wait_for_url(f"{live_server}/alerts/{alert_id}")
    assert "占 83.33%，超过阈值 15%" in await page.locator("#alert-figures").inner_text()
    follow_up = page.locator("#follow-up")
    assert "韩梅 (代蒋丽处理)" in await follow_up.inner_text(), "the page says who holds it and why"
    await keep(page, "alert")
    await follow_up.get_by_label("备注").fill("已与沈涛谈过，下月起由韩梅共同跟进天津华联商厦")
    await follow_up.get_by_role("button", name="解决").click()
    await page.locator("#follow-up").get_by_role("status").get_by_text("已解决。感谢您的跟进。").wait_for()
    assert await page.locator("#alert-status").inner_text() == "已解决"
    assert "蒋丽" in await page.locator("#follow-up").inner_text()
