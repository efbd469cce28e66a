"""The inbox pages: my tasks first by urgency, a task page with its form, inline errors,
claiming, the count in the navigation, and my out-of-office delegate."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from temporalio.client import Client
from temporalio.worker import Worker

from schemas.kernel.config import Settings
from store.db import Database
from store.models import Delegation, Task
from tests.platform.test_pages import page_login
from tests.support.clock import company_today
from tests.support.org import OrgFixture
from tests.support.steps import approval_step, start_probe, wait_for_step


async def open_task(client: Client, settings: Settings, db: Database, **spec: object) -> str:
    handle = await start_probe(client, settings.temporal.task_queue, [approval_step(**spec)])  # type: ignore[arg-type]
    task_id = f"{handle.id}:approve"
    await wait_for_step(handle, db, task_id)
    return task_id


def csrf_header(html: str) -> dict[str, str]:
    token = re.search(r'"X-CSRF-Token": "([^"]+)"', html)
    assert token
    return {"X-CSRF-Token": token.group(1), "HX-Request": "true"}


async def test_inbox_shows_overdue_first_with_badges(
    anonymous: httpx.AsyncClient,
    worker: Worker,
    temporal_client: Client,
    settings: Settings,
    db: Database,
    org: OrgFixture,
) -> None:
    calm = await open_task(temporal_client, settings, db, key="approve", assignee_id=org["sales_south"])
    late = await open_task(
        temporal_client, settings, db, key="approve", assignee_id=org["sales_south"], title="Check the late quote"
    )
    with db.session() as session:
        task = session.get(Task, late)
        assert task is not None
        task.overdue = True
    await page_login(anonymous, "sales_south")
    page = await anonymous.get("/inbox")
    assert page.status_code == 200
    assert page.text.index(late) < page.text.index(calm), "overdue first"
    assert "已逾期" in page.text and "审批订单 #7（团队经理）" in page.text
    count = await anonymous.get("/inbox/count")
    assert ">2<" in count.text


async def test_acting_from_the_task_page_answers_with_the_updated_panel(
    anonymous: httpx.AsyncClient,
    worker: Worker,
    temporal_client: Client,
    settings: Settings,
    db: Database,
    org: OrgFixture,
) -> None:
    task_id = await open_task(temporal_client, settings, db, assignee_id=org["sales_south"])
    await page_login(anonymous, "sales_south")
    page = await anonymous.get(f"/tasks/{task_id}")
    assert page.status_code == 200 and "审批订单 #7（团队经理）" in page.text
    headers = csrf_header(page.text)
    refused = await anonymous.post(
        f"/tasks/{task_id}/complete", data={"action": "reject", "comment": " "}, headers=headers
    )
    assert refused.status_code == 422
    assert "缺少必要信息" in refused.text and "<html" not in refused.text, "an inline fragment, not a page"
    done = await anonymous.post(
        f"/tasks/{task_id}/complete", data={"action": "approve", "comment": "可以"}, headers=headers
    )
    assert done.status_code == 200
    assert "已记录" in done.text
    assert 'name="action"' not in done.text, "no form once the task is closed"


async def test_the_page_form_needs_its_csrf_token(
    anonymous: httpx.AsyncClient,
    worker: Worker,
    temporal_client: Client,
    settings: Settings,
    db: Database,
    org: OrgFixture,
) -> None:
    task_id = await open_task(temporal_client, settings, db, assignee_id=org["sales_south"])
    await page_login(anonymous, "sales_south")
    response = await anonymous.post(f"/tasks/{task_id}/complete", data={"action": "approve"})
    assert response.status_code == 403
    with db.session() as session:
        task = session.get(Task, task_id)
        assert task is not None and task.status == "open"


async def test_someone_elses_task_page_is_not_found(
    anonymous: httpx.AsyncClient,
    worker: Worker,
    temporal_client: Client,
    settings: Settings,
    db: Database,
    org: OrgFixture,
) -> None:
    task_id = await open_task(temporal_client, settings, db, assignee_id=org["sales_south"])
    await page_login(anonymous, "sales_east")
    assert (await anonymous.get(f"/tasks/{task_id}")).status_code == 404


async def test_claiming_from_the_page(
    anonymous: httpx.AsyncClient,
    worker: Worker,
    temporal_client: Client,
    settings: Settings,
    db: Database,
    org: OrgFixture,
) -> None:
    task_id = await open_task(temporal_client, settings, db, candidate_role="finance")
    await page_login(anonymous, "finance")
    page = await anonymous.get(f"/tasks/{task_id}")
    assert "认领" in page.text
    claimed = await anonymous.post(f"/tasks/{task_id}/claim", headers=csrf_header(page.text))
    assert claimed.status_code == 200 and "交还团队" in claimed.text
    with db.session() as session:
        task = session.get(Task, task_id)
        assert task is not None and task.assignee_id == org["finance"]


async def test_setting_and_cancelling_a_delegate(anonymous: httpx.AsyncClient, org: OrgFixture, db: Database) -> None:
    await page_login(anonymous, "manager_south")
    page = await anonymous.get("/me/away")
    headers = csrf_header(page.text)
    start, end = company_today(), company_today() + timedelta(days=5)
    bad = await anonymous.post(
        "/me/away",
        headers=headers,
        data={"delegate_id": org["sales_south"], "starts_on": end.isoformat(), "ends_on": start.isoformat()},
    )
    assert bad.status_code == 422 and "结束日期早于开始日期" in bad.text
    ok = await anonymous.post(
        "/me/away",
        headers=headers,
        data={
            "delegate_id": org["sales_south"],
            "starts_on": start.isoformat(),
            "ends_on": end.isoformat(),
            "reason": "出差",
        },
    )
    assert ok.status_code == 303
    with db.session() as session:
        rows = session.query(Delegation).filter(Delegation.employee_id == org["manager_south"]).all()
        assert len(rows) == 1 and rows[0].delegate_id == org["sales_south"]
        delegation_id = rows[0].id
    cancelled = await anonymous.post(f"/me/away/{delegation_id}/cancel", headers=headers)
    assert cancelled.status_code == 303
    with db.session() as session:
        row = session.get(Delegation, delegation_id)
        assert row is not None and row.cancelled_at is not None, "kept for the record"


async def test_the_task_trail_lists_what_happened(
    anonymous: httpx.AsyncClient,
    worker: Worker,
    temporal_client: Client,
    settings: Settings,
    db: Database,
    org: OrgFixture,
) -> None:
    task_id = await open_task(temporal_client, settings, db, assignee_id=org["sales_south"])
    await page_login(anonymous, "sales_south")
    trail = await anonymous.get(f"/tasks/{task_id}/trail")
    assert trail.status_code == 200 and "任务创建" in trail.text
    anonymous.cookies.clear()
    await page_login(anonymous, "sales_east")
    assert (await anonymous.get(f"/tasks/{task_id}/trail")).status_code == 404
