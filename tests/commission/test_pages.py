"""The commission pages: the settlements and the open form, the plan and its versions, a settlement
with its live progress and the statements each person may see, a statement line by line, disputes
filed and resolved and reviews decided from the pages, recomputing, and the navigation entry."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from functools import partial

import httpx
import pytest_asyncio
from sqlalchemy import func, select
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from schemas.commission import SettlementStatus
from schemas.kernel.config import Settings
from store.db import Database
from store.models import CommissionPlan, Customer, Order
from store.repo.commission import records as settlements
from tests.offboarding.test_pages import section
from tests.orders.test_pages import htmx, login_as
from tests.platform.test_pages import form_token
from tests.support import commission_pages as support
from tests.support.commission import Settled, day_in, last_period, pay, save_plan, wait_for_settlement
from tests.support.eventually import eventually
from tests.support.offboarding import act
from tests.support.orders import make_services
from tests.support.org import OrgFixture

PERIOD = "2026-10"  # settled without the process: the records as its activities would leave them


@pytest_asyncio.fixture
async def pages(
    settings: Settings, db: Database, org: OrgFixture, time_skipping_env: WorkflowEnvironment, skipping_worker: Worker
) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client of an app whose processes run on the time-skipping server."""
    from web.app import create_app

    app = create_app(
        settings.with_changes(process_clock_lead=90 * 24 * 3600.0), db=db, temporal=time_skipping_env.client
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://baton.test") as client:
        yield client


async def test_the_list_and_the_open_form(pages: httpx.AsyncClient, db: Database, org: OrgFixture) -> None:
    period = last_period()
    await login_as(pages, "finance")
    page = await pages.get("/commission")
    assert page.status_code == 200 and "提成结算" in page.text and "还没有结算。" in page.text
    assert f'value="{period}"' in section(page.text, "open-form"), "last month is offered"
    assert 'href="/commission/plan"' in page.text

    headers = htmx(page.text)
    no_plan = await pages.post("/commission", data={"period": period}, headers=headers)
    assert no_plan.status_code == 409 and "该期间没有生效的提成方案" in no_plan.text and "<html" not in no_plan.text
    assert 'id="open-form"' in no_plan.text and f'value="{period}"' in no_plan.text
    malformed = await pages.post("/commission", data={"period": "2026-13"}, headers=headers)
    assert malformed.status_code == 422 and "期间的格式为 YYYY-MM" in malformed.text
    running = await pages.post("/commission", data={"period": "2999-01"}, headers=headers)
    assert running.status_code == 422 and "只能结算已经结束的月份" in running.text

    save_plan(db, org, effective_from="2020-01")
    support.month_of_sales(db, org, period)
    opened = await pages.post("/commission", data={"period": period}, headers=headers)
    assert opened.status_code == 200 and opened.headers["HX-Redirect"] == f"/commission/{period}"
    again = await pages.post("/commission", data={"csrf_token": form_token(page.text), "period": period})
    assert again.status_code == 409 and "该期间已有结算" in again.text and "<html" in again.text
    await wait_for_settlement(db, period, "employee_review")

    row = support.period_row((await pages.get("/commission")).text, period)
    assert "员工核对中" in row and "100%" in row and "¥3,000.00" in row
    await login_as(pages, "sales_east")
    own = await pages.get("/commission")
    assert "¥100.00" in support.period_row(own.text, period), "a salesperson's list counts their own statement only"
    assert 'id="open-form"' not in own.text and 'href="/commission/plan"' not in own.text
    refused = await pages.post("/commission", data={"period": period}, headers=htmx(own.text))
    assert refused.status_code == 403


async def test_the_plan_form_saves_a_version_and_shows_every_problem_inline(
    anonymous: httpx.AsyncClient, db: Database, org: OrgFixture
) -> None:
    make_services(db)
    await login_as(anonymous, "finance")
    page = await anonymous.get("/commission/plan")
    assert page.status_code == 200 and "还没有提成方案" in page.text and "零担运输 (LTL)" in page.text
    headers = htmx(page.text)
    base = {"effective_from": "2026-01", "hold_forfeit_days": ""}
    unsorted = await anonymous.post(
        "/commission/plan",
        headers=headers,
        data={**base, "tier_from": ["0", "100000", "50000"], "tier_rate": ["2", "3", "2.5"]},
    )
    assert unsorted.status_code == 422 and "<html" not in unsorted.text
    assert "档位须按起点从小到大排列，且不能重叠" in section(unsorted.text, "plan-form")
    assert 'value="50000"' in unsorted.text, "what was typed stays in the form"
    negative = await anonymous.post(
        "/commission/plan", headers=headers, data={**base, "tier_from": ["0", "100000"], "tier_rate": ["2", "-1"]}
    )
    assert negative.status_code == 422 and "费率为 0 到 100 之间的百分数" in negative.text
    assert negative.text.count('class="has-problem"') == 1, "the tier row with the problem is marked"
    unknown = await anonymous.post(
        "/commission/plan",
        headers=headers,
        data={**base, "tier_from": ["0"], "tier_rate": ["2"], "service_code": ["NOPE"], "service_rate": ["10"]},
    )
    assert unknown.status_code == 422 and "未知的服务：NOPE" in unknown.text
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(CommissionPlan)) == 0, "nothing saved on error"

    saved = await anonymous.post(
        "/commission/plan",
        data={
            "csrf_token": form_token(page.text),
            **base,
            "hold_forfeit_days": "90",
            "tier_from": ["0", "100000", ""],
            "tier_rate": ["2", "2.75", ""],
            "service_code": ["LTL", ""],
            "service_rate": ["5", ""],
        },
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/commission/plan?saved=1"
    shown = await anonymous.get(saved.headers["location"])
    in_force = section(shown.text, "plan-in-force")
    assert "第 1 版已保存" in shown.text and "当前生效：第 1 版" in in_force and "2026-01" in in_force
    assert all(text in in_force for text in ("90 天", "¥100,000.00", "2.75%", "零担运输 (LTL)", "5%"))
    form = section(shown.text, "plan-form")
    assert 'value="100000"' in form, "the form starts from the plan in force"
    assert 'name="tier_rate" value="2.75"' in form and "费率（百分比）" in form and "0 到 1" not in form
    with db.session() as session:
        plan = session.scalars(select(CommissionPlan)).one()
        assert [tier["rate"] for tier in plan.tiers] == ["0.02", "0.0275"], "kept as fractions, as the API"

    await login_as(anonymous, "sales_south")
    assert (await anonymous.get("/commission/plan")).status_code == 403


async def test_the_settlement_page_shows_progress_then_the_statements_each_may_see(
    anonymous: httpx.AsyncClient, db: Database, org: OrgFixture
) -> None:
    settlement_id = support.opened(db, org, PERIOD)
    support.heartbeat(db, settlement_id, 0.4)
    await login_as(anonymous, "finance")
    page = await anonymous.get(f"/commission/{PERIOD}")
    assert page.status_code == 200 and "计算中" in page.text
    progress = section(page.text, "progress")
    assert 'hx-trigger="every 1s"' in progress and "40%" in progress
    support.heartbeat(db, settlement_id, 0.8)
    polled = await anonymous.get(f"/commission/{PERIOD}/progress", headers=htmx(page.text))
    assert "80%" in polled.text and 'hx-trigger="every 1s"' in polled.text and "HX-Retarget" not in polled.headers

    support.publish(db, PERIOD, SettlementStatus.employee_review, Settled(settlement_id, 0))
    done = await anonymous.get(f"/commission/{PERIOD}/progress", headers=htmx(page.text))
    assert done.headers["HX-Retarget"] == "#settlement" and "every 1s" not in done.text, "the polling stops"
    table = section(done.text, "statements")
    assert "张伟" in table and "王芳" in table and "¥2,900.00" in table and "¥100.00" in table
    assert "¥3,000.00" in section(table, "totals") and "¥135,000.00" in section(table, "totals")
    assert f'href="/commission/{PERIOD}/statement/{org["sales_south"]}"' in table
    assert "员工核对中" in done.text and 'id="recompute"' in done.text
    for file_format in ("csv", "xlsx"):  # the page's links work with the page's own login
        link = f"/commission/{PERIOD}/export.{file_format}"
        assert f'href="{link}"' in done.text
        download = await anonymous.get(link)
        assert (
            download.status_code == 200
            and f"commission-{PERIOD}.{file_format}" in download.headers["Content-Disposition"]
        )
    assert "张伟" in (await anonymous.get(f"/commission/{PERIOD}/export.csv")).content.decode("utf-8-sig")

    await login_as(anonymous, "sales_south")
    own = await anonymous.get(f"/commission/{PERIOD}")
    table = section(own.text, "statements")
    assert "张伟" in table and "王芳" not in table and "¥2,900.00" in section(table, "totals")
    assert 'id="recompute"' not in own.text and "export.csv" not in own.text
    assert (await anonymous.get(f"/commission/{PERIOD}/export.csv")).status_code == 403
    assert f'href="/commission/{PERIOD}/mine"' in own.text
    await login_as(anonymous, "manager_east")
    team = section((await anonymous.get(f"/commission/{PERIOD}")).text, "statements")
    assert "王芳" in team and "张伟" not in team
    await login_as(anonymous, "hr")
    assert (await anonymous.get(f"/commission/{PERIOD}")).status_code == 404
    missing = await anonymous.get("/commission/2020-01")
    assert missing.status_code == 404 and "该期间没有结算" in missing.text
    assert (await anonymous.get("/commission/not-a-period")).status_code == 422
    assert (await anonymous.get("/commission/2026-13/mine")).status_code == 422


async def test_a_statement_line_by_line_for_its_owner_and_for_others(
    anonymous: httpx.AsyncClient, db: Database, org: OrgFixture
) -> None:
    support.computed_month(db, org, PERIOD, SettlementStatus.employee_review)
    await login_as(anonymous, "sales_south")
    mine = await anonymous.get(f"/commission/{PERIOD}/mine")
    assert mine.status_code == 200 and "张伟 的 2026-10 提成" in mine.text
    rows = re.findall(r'<tr id="line-\d+-earned".*?</tr>', mine.text, re.S)
    assert len(rows) == 2 and "¥2,600.00" in rows[0] and "¥120,000.00" in rows[0] and "计提" in rows[0]
    assert re.search(r'href="/orders/\d+"', rows[0]) and "对此行提出异议" in rows[0]
    assert "如有不符，请在" in mine.text

    await login_as(anonymous, "finance")
    seen = await anonymous.get(f"/commission/{PERIOD}/statement/{org['sales_south']}")
    assert seen.status_code == 200 and "¥2,600.00" in seen.text and "对此行提出异议" not in seen.text
    for who in ("sales_east", "manager_east", "sales_south2"):
        await login_as(anonymous, who)
        other = await anonymous.get(f"/commission/{PERIOD}/statement/{org['sales_south']}")
        assert other.status_code == 404, who
    await login_as(anonymous, "manager_south")
    assert (await anonymous.get(f"/commission/{PERIOD}/statement/{org['sales_south']}")).status_code == 200
    assert (await anonymous.get(f"/commission/{PERIOD}/mine")).text.count("您在该期间没有提成结算单") == 1

    with db.session() as session:
        settlements.set_status(session, settlements.by_period(session, PERIOD).id, SettlementStatus.locked, None)
    await login_as(anonymous, "sales_south")
    locked = await anonymous.get(f"/commission/{PERIOD}/mine")
    assert "该结算已锁定；更正将计入下一期间" in section(locked.text, "why-no-dispute")
    assert "对此行提出异议" not in locked.text
    await login_as(anonymous, "finance")
    assert 'id="recompute"' not in (await anonymous.get(f"/commission/{PERIOD}")).text


async def test_statement_lines_name_the_customer_order_payment_rate_and_what_they_mean(
    anonymous: httpx.AsyncClient, db: Database, org: OrgFixture
) -> None:
    save_plan(db, org)
    month = support.month_of_sales(db, org, PERIOD, east=False)
    pay(db, month.order, "12000.00", day_in(PERIOD, 8), refund_of=month.first)
    support.publish(db, PERIOD, SettlementStatus.employee_review)
    with db.session() as session:
        customer = session.scalars(
            select(Customer).join(Order, Order.customer_id == Customer.id).where(Order.id == month.order)
        ).one()
    await login_as(anonymous, "sales_south")
    mine = (await anonymous.get(f"/commission/{PERIOD}/mine")).text
    earned = re.search(rf'<tr id="line-{month.first}-earned".*?</tr>', mine, re.S)
    clawback = re.search(r'<tr id="line-\d+-clawback".*?</tr>', mine, re.S)
    assert earned and clawback
    cells = re.findall(r"<td[^>]*>(.*?)</td>", earned.group(0), re.S)
    assert cells[0] == "2026-10-05"
    assert f'<a href="/customers/{customer.id}">{customer.name}</a>' in cells[1]
    assert f'<a href="/orders/{month.order}">订单 #{month.order}</a>' in cells[2]
    assert cells[3] == "¥120,000.00" and cells[4] == "2.17%" and cells[5] == "¥2,600.00"
    assert "计提" in cells[6] and "根据已收回款项计提的提成" in cells[6]
    assert all(cell.strip() != str(month.first) for cell in cells), "no bare payment number"
    assert "¥-12,000.00" in clawback.group(0) and "退款收回其对应收款已计提的提成" in clawback.group(0)


async def test_a_dispute_is_filed_resolved_and_the_team_approved_from_the_pages(
    pages: httpx.AsyncClient,
    skipping_api,
    time_skipping_env: WorkflowEnvironment,  # type: ignore[no-untyped-def]
    db: Database,
    org: OrgFixture,
) -> None:
    period = last_period()
    save_plan(db, org, effective_from="2020-01")
    month = support.month_of_sales(db, org, period)
    assert (
        await (await skipping_api("finance")).post("/api/commission/settlements", json={"period": period})
    ).status_code == 201
    await wait_for_settlement(db, period, "employee_review")

    await login_as(pages, "sales_south")
    headers = htmx((await pages.get(f"/commission/{period}/mine")).text)
    line = {"payment_id": str(month.first), "kind": "earned"}
    dispute = partial(pages.post, f"/commission/{period}/disputes")
    empty = await dispute(data={**line, "comment": " "}, headers=headers)
    assert empty.status_code == 422 and empty.text.lstrip().startswith("<tr") and "请说明此行有什么问题" in empty.text
    filed = await dispute(data={**line, "comment": "这笔应按老客户费率"}, headers=headers)
    assert filed.status_code == 200, filed.text
    assert f'id="line-{month.first}-earned"' in filed.text and "有异议" in filed.text and "<form" not in filed.text
    twice = await dispute(data={**line, "comment": "再说一次"}, headers=headers)
    assert twice.status_code == 409 and "此行已提出异议" in twice.text
    await login_as(pages, "sales_east")
    stranger = htmx((await pages.get(f"/commission/{period}/mine")).text)
    not_theirs = await dispute(data={**line, "comment": "x"}, headers=stranger)
    assert not_theirs.status_code == 404 and "您的结算单中没有这一行" in not_theirs.text

    await login_as(pages, "manager_south")
    early = section((await pages.get(f"/commission/{period}")).text, "disputes")
    assert "这笔应按老客户费率" in early and "核对期结束后由团队经理处理" in early and "<form" not in early
    await time_skipping_env.fast_forward(
        time_skipping_env.client.get_workflow_handle(f"commission-{period}"), timedelta(days=10)
    )
    task = await support.review_task(db, period, "commission_review", org.team_ids["south"])
    await wait_for_settlement(db, period, "manager_review")
    from_inbox = (await pages.get(f"/tasks/{task.id}")).text
    assert f'href="/commission/{period}"' in from_inbox and "查看整个流程" in from_inbox
    page = await pages.get(f"/commission/{period}")
    headers = htmx(page.text)
    assert "审核华南区工业客户团队" in section(page.text, f"task-{task.id}")
    blocked = await support.decide(pages, period, task.id, {"action": "approve"}, headers)
    assert blocked.status_code == 422 and "请先处理团队的所有异议" in section(blocked.text, f"task-{task.id}")

    dispute_id = re.findall(r'id="dispute-(\d+)"', page.text)[0]
    resolve = f"/commission/{period}/disputes/{dispute_id}/resolve"
    no_amount = await pages.post(resolve, data={"decision": "adjusted", "reason": "老客户"}, headers=headers)
    assert no_amount.status_code == 422 and "调整需要一个不为零的金额" in no_amount.text
    assert 'id="disputes"' in no_amount.text and ">老客户</textarea>" in no_amount.text
    resolved = await pages.post(
        resolve, data={"decision": "adjusted", "amount": "50", "reason": "老客户按合同多提"}, headers=headers
    )
    assert resolved.status_code == 200, resolved.text
    panel = section(resolved.text, "disputes")
    assert "已调整 ¥50.00 · 陈杰: 老客户按合同多提" in panel and "<form" not in panel
    assert 'hx-swap-oob="true"' in resolved.text and "¥2,950.00" in section(resolved.text, "statements")
    approved = await support.decide(pages, period, task.id, {"action": "approve"}, headers)
    assert approved.status_code == 200 and "您的决定已记录" in approved.text
    reviews = section(approved.text, "reviews")
    assert "已批准" in section(reviews, f"task-{task.id}") and "<textarea" not in reviews

    await login_as(pages, "sales_south")
    after = (await pages.get(f"/commission/{period}/mine")).text
    assert "结算单核对期已结束" in after and "对此行提出异议" not in after and "老客户按合同多提" in after
    reviews = section((await pages.get(f"/commission/{period}")).text, "reviews")
    assert "华南区工业客户团队" in reviews and "华东区" not in reviews, "the reviews of the reader's own team"

    east = await support.review_task(db, period, "commission_review", org.team_ids["east"])
    assert (await act(await skipping_api("manager_east"), east.id, "approve")).status_code == 200
    approval = await support.review_task(db, period, "commission_approval")
    await login_as(pages, "finance")
    headers = htmx((await pages.get(f"/commission/{period}")).text)
    no_reason = await support.decide(pages, period, approval.id, {"action": "reject"}, headers)
    assert no_reason.status_code == 422 and "驳回时请写明原因" in section(no_reason.text, f"task-{approval.id}")
    locked = await support.decide(pages, period, approval.id, {"action": "approve", "comment": "核对无误"}, headers)
    assert locked.status_code == 200 and 'data-status="locked"' in locked.text and "已锁定" in locked.text
    assert 'id="recompute"' not in locked.text


async def test_finance_recomputes_from_the_page_and_watches_the_new_draft(
    pages: httpx.AsyncClient, db: Database, org: OrgFixture
) -> None:
    period = last_period()
    save_plan(db, org, effective_from="2020-01")
    month = support.month_of_sales(db, org, period, east=False)
    await login_as(pages, "finance")
    listed = await pages.get("/commission")
    assert (await pages.post("/commission", data={"period": period}, headers=htmx(listed.text))).status_code == 200
    await wait_for_settlement(db, period, "employee_review")
    await login_as(pages, "sales_south")
    own = htmx((await pages.get(f"/commission/{period}")).text)
    assert (await pages.post(f"/commission/{period}/recompute", headers=own)).status_code == 403

    pay(db, month.order, "10000.00", day_in(period, 20))  # recorded after the first computation
    await login_as(pages, "finance")
    page = await pages.get(f"/commission/{period}")
    assert "¥2,900.00" in section(page.text, "statements")
    recomputed = await pages.post(f"/commission/{period}/recompute", headers=htmx(page.text))
    assert recomputed.status_code == 200 and "正在重新计算" in recomputed.text
    assert "progress?after_run=1" in section(recomputed.text, "progress")

    async def redrawn() -> httpx.Response | None:
        polled = await pages.get(f"/commission/{period}/progress?after_run=1", headers=htmx(page.text))
        return polled if "HX-Retarget" in polled.headers else None

    polled = await eventually(redrawn, "the recomputed statements to replace the progress bar")
    assert "¥3,200.00" in section(polled.text, "statements") and 'id="progress"' not in polled.text


async def test_the_navigation_leads_to_commission(anonymous: httpx.AsyncClient, org: OrgFixture) -> None:
    for username, shown in (
        ("sales_south", True),
        ("manager_south", True),
        ("head", True),
        ("finance", True),
        ("admin", True),
        ("hr", False),
    ):
        await login_as(anonymous, username)
        home = await anonymous.get("/")
        assert ('href="/commission"' in home.text and ">提成<" in home.text) is shown, username
