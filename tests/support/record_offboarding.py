"""The offboarding scenarios recorded for the replay test: items done with their evidence, an
overdue notice, the plan approved, a sign-off rejected and the item redone, HR's confirmation; and
a case past its last working day, noticed daily until it is cancelled."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from temporalio.testing import WorkflowEnvironment

from activities.offboarding import PAST_LAST_DAY
from schemas.kernel.config import Settings
from schemas.offboarding import PLAN_STEP, review_step, task_id_of
from store.db import Database
from tests.support.clock import company_today
from tests.support.http import api_login
from tests.support.notices import give_emails
from tests.support.offboarding import act, item_task, make_book, record_followups, start_case, upload, wait_for_case
from tests.support.org import OrgFixture
from tests.support.steps import wait_for_row

COMMENTS = {"key_contacts": "联系人已录入", "experience_notes": "夜间发货，月底对账", "customer_notice": "已发确认函"}


async def record_offboarding(
    env: WorkflowEnvironment, db: Database, settings: Settings, org: OrgFixture
) -> tuple[str, str]:
    from store.models import Task
    from web.app import create_app

    book = make_book(db, org, customers=3)
    app = create_app(settings.with_changes(process_clock_lead=90 * 24 * 3600.0), db=db, temporal=env.client)
    login = api_login(app)

    hr, leaver, manager = await login("hr"), await login("sales_south"), await login("manager_south")
    finance, admin, head = await login("finance"), await login("admin"), await login("head")
    last_day = (company_today() + timedelta(days=30)).isoformat()
    case = (
        await hr.post(
            "/api/offboardings", json={"employee_id": org["sales_south"], "reason": "离职", "last_day": last_day}
        )
    ).json()
    handle = env.client.get_workflow_handle(case["workflow_id"])
    workflow_id = case["workflow_id"]
    for key in ("customer_files", "contracts_quotes"):
        task = await item_task(db, case["id"], key)
        await upload(leaver, task.id)
        await act(leaver, task.id, "done")
    await env.fast_forward(handle, timedelta(days=8))
    plans = [{"order_id": order_id, "collection_plan": "李娜月底催收"} for order_id in book.open_orders]
    await act(leaver, (await item_task(db, case["id"], "open_orders")).id, "done", data={"orders": plans})
    record_followups(db, org["sales_south"], book.customers)
    await act(leaver, (await item_task(db, case["id"], "followup_records")).id, "done")
    await act(leaver, (await item_task(db, case["id"], "competitor_contacts")).id, "done", data={"declaration": "无"})
    for key in ("key_contacts", "experience_notes"):
        await act(leaver, (await item_task(db, case["id"], key)).id, "done", comment=COMMENTS[key])
    await act(finance, (await item_task(db, case["id"], "receivables")).id, "done", comment="已核对")
    await act(admin, (await item_task(db, case["id"], "accounts_devices")).id, "done", comment="已收回")

    async def open_task(step: str) -> Task:
        return await wait_for_row(db, Task, task_id_of(workflow_id, case["id"], step), lambda t: t.status == "open")

    plan = await open_task(PLAN_STEP)
    await act(manager, plan.id, "approve", data={"assignments": plan.context["proposal"]})
    await act(
        leaver, (await item_task(db, case["id"], "customer_notice")).id, "done", comment=COMMENTS["customer_notice"]
    )
    await wait_for_case(db, case["id"], "review")
    finance_review = await open_task(review_step("finance", 1))
    await act(finance, finance_review.id, "reject", comment="缺电话", data={"items": ["key_contacts"]})
    await act(leaver, (await item_task(db, case["id"], "key_contacts", round_=2)).id, "done", comment="已补全")
    await wait_for_case(db, case["id"], "review")
    for role, client in (("department_head", head), ("hr", hr), ("finance", finance)):
        review = await open_task(review_step(role, 2))
        await act(client, review.id, "approve")
    await wait_for_case(db, case["id"], "final")
    await hr.post(
        f"/api/offboardings/{case['id']}/complete",
        json={"comment": "交接完成", "early": True, "early_reason": "交接提前完成"},
    )
    await handle.result()
    return workflow_id, (await handle.fetch_history()).to_json()


async def record_past_last_day(
    env: WorkflowEnvironment, db: Database, settings: Settings, org: OrgFixture, leaver: str = "sales_south2"
) -> tuple[str, str]:
    """A case whose last working day passes with the handover open: the department head and HR
    hear daily (each notice also goes out by e-mail), until HR cancels the case.

    The workflow id names the leaver: ``offboarding-9`` (王芳) was recorded while the watch still
    waited for its e-mails, ``offboarding-8`` (李娜) since they go out beside it."""
    from web.app import create_app

    give_emails(db, org)
    app = create_app(settings.with_changes(process_clock_lead=90 * 24 * 3600.0), db=db, temporal=env.client)
    hr = await api_login(app)("hr")
    today = datetime.now(ZoneInfo(settings.timezone)).date()
    case = await start_case(hr, org[leaver], today)
    handle = env.client.get_workflow_handle(case["workflow_id"])
    await item_task(db, case["id"], "customer_files")
    await env.fast_forward(handle, timedelta(days=1, hours=1))
    await wait_for_notices(db, PAST_LAST_DAY, 2)
    await env.fast_forward(handle, timedelta(days=1))
    await wait_for_notices(db, PAST_LAST_DAY, 4)
    await hr.post(f"/api/offboardings/{case['id']}/cancel", json={"reason": "员工决定留下"})
    await handle.result()
    return case["workflow_id"], (await handle.fetch_history()).to_json()


async def wait_for_notices(db: Database, message_id: str, count: int) -> None:
    """Readiness, not timing: at least ``count`` notifications of the message are written."""
    from sqlalchemy import func, select

    from store.models import Notification

    for _ in range(400):
        with db.session() as session:
            query = select(func.count()).where(Notification.message_id == message_id)
            if (session.scalar(query) or 0) >= count:
                return
        await asyncio.sleep(0.025)
    raise AssertionError(f"fewer than {count} notices {message_id!r}")
