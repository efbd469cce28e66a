"""A manager approves from the inbox on a phone-width browser."""

from __future__ import annotations

import pytest
from temporalio.client import Client
from temporalio.worker import Worker

from schemas.kernel.config import Settings
from store.db import Database
from tests.support.org import PASSWORD, OrgFixture
from tests.support.steps import approval_step, start_probe, wait_for_step, wait_for_task

pytestmark = pytest.mark.browser


async def test_manager_completes_a_task_from_the_inbox(
    page,
    live_server: str,
    worker: Worker,  # type: ignore[no-untyped-def]
    temporal_client: Client,
    settings: Settings,
    db: Database,
    org: OrgFixture,
) -> None:
    handle = await start_probe(
        temporal_client, settings.temporal.task_queue, [approval_step(assignee_id=org["manager_south"])]
    )
    task_id = f"{handle.id}:approve"
    await wait_for_step(handle, db, task_id)

    await page.goto(f"{live_server}/login?next=/inbox")
    await page.get_by_label("用户名").fill("manager_south")
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(f"{live_server}/inbox")
    await page.locator("#menu-count").get_by_text("1").wait_for()  # on the folded menu at phone width
    await page.get_by_role("link", name="审批订单 #7（团队经理）").click()
    await page.get_by_label("备注").fill("价格合理，同意")
    await page.get_by_role("button", name="同意").click()
    await page.get_by_role("status").get_by_text("已记录").wait_for()
    assert await page.get_by_role("button", name="同意").count() == 0

    decisions = await handle.result()
    assert decisions[0].actor_id == org["manager_south"] and decisions[0].comment == "价格合理，同意"
    closed = await wait_for_task(db, task_id, status="done")
    assert closed.completed_by == org["manager_south"]
