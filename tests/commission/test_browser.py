"""A sales manager on a phone-width browser resolves a salesperson's dispute on the settlement
page, adjusting the statement by an amount with the reason, then approves the team. The review
window is a few seconds long here, so the settlement reaches the managers' review on its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.worker import Worker

from schemas.policies import DeadlinePolicy
from store.db import Database
from store.repo.tasks import policies
from tests.orders.test_browser import log_in
from tests.support.commission import last_period, save_plan, wait_for_settlement
from tests.support.commission_pages import month_of_sales, review_task
from tests.support.org import OrgFixture

pytestmark = pytest.mark.browser
REVIEW_WINDOW = timedelta(seconds=4)


async def test_a_manager_resolves_a_dispute_and_approves_the_team(
    page,
    live_server: str,
    worker: Worker,
    api,  # type: ignore[no-untyped-def]
    db: Database,
    org: OrgFixture,
) -> None:
    with db.session() as session:
        policies.put_policy(
            session, actor_id=None, key="commission.review", policy=DeadlinePolicy(due_in=REVIEW_WINDOW)
        )
    period = last_period()
    save_plan(db, org, effective_from="2020-01")
    month = month_of_sales(db, org, period, east=False)
    finance, zhang = await api("finance"), await api("sales_south")
    assert (await finance.post("/api/commission/settlements", json={"period": period})).status_code == 201
    await wait_for_settlement(db, period, "employee_review")
    disputed = await zhang.post(
        f"/api/commission/settlements/{period}/disputes",
        json={"payment_id": month.first, "kind": "earned", "comment": "这笔应按老客户费率"},
    )
    assert disputed.status_code == 201, disputed.text
    await review_task(db, period, "commission_review", org.team_ids["south"])  # the window closed on its own

    await log_in(page, live_server, "manager_south", f"/commission/{period}")
    dispute = page.locator(f"#dispute-{disputed.json()['id']}")
    assert "这笔应按老客户费率" in await dispute.inner_text()
    await dispute.get_by_label("调整金额（元，负数为扣减）").fill("50")
    await dispute.get_by_label("原因").fill("老客户按合同多提")
    await dispute.get_by_role("button", name="调整", exact=True).click()
    await dispute.locator(".resolution").wait_for()
    assert "已调整 ¥50.00 · 陈杰: 老客户按合同多提" in await dispute.locator(".resolution").inner_text()
    totals = await page.locator("#totals").inner_text()
    assert "¥50.00" in totals and "¥2,950.00" in totals, "the statements show the adjustment at once"

    review = page.locator("#reviews li[data-kind=commission_review]")
    await review.get_by_role("button", name="批准本团队提成").click()
    await review.locator(".badge").get_by_text("已批准").wait_for()
    assert "您的决定已记录" in await page.locator("#settlement").inner_text()
    assert await page.locator("#settlement-status").inner_text() == "财务审核中"
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "nothing but the tables' own scroll areas is wider than the phone"
