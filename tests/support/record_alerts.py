"""The risk-alert scenarios recorded for the replay test: a scan that raises an alert, and that
alert's follow-up reminded, flagged, escalated, acknowledged and resolved."""

from __future__ import annotations

from datetime import timedelta

from temporalio.testing import WorkflowEnvironment

from schemas.kernel.config import Settings
from store.db import Database
from store.models.base import utcnow
from tests.support.http import api_login
from tests.support.offboarding import act
from tests.support.org import OrgFixture
from tests.support.risk import Books
from tests.support.steps import wait_for_task


async def record_scan_and_follow_up(
    env: WorkflowEnvironment, db: Database, settings: Settings, org: OrgFixture
) -> dict[str, tuple[str, str]]:
    from web.app import create_app

    books = Books(db, org, now=utcnow())
    silent = books.customer("sales_south", name="佛山美达电器有限公司")
    books.contacts("sales_south", silent, [books.ago(200)])
    app = create_app(settings.with_changes(process_clock_lead=90 * 24 * 3600.0), db=db, temporal=env.client)
    login = api_login(app)
    admin, manager = await login("admin"), await login("manager_south")
    scanned = (await admin.post("/api/alerts/scan")).json()
    alert = (await manager.get("/api/alerts")).json()[0]
    follow_up = env.client.get_workflow_handle(f"alert-{alert['id']}")
    task = await wait_for_task(db, f"alert-{alert['id']}:follow-up")
    await env.fast_forward(follow_up, timedelta(days=8))
    await act(manager, task.id, "acknowledge", comment="本周上门拜访")
    second = await wait_for_task(db, f"alert-{alert['id']}:resolve")
    await act(manager, second.id, "resolve", comment="客户换了采购负责人，已重新对接")
    await follow_up.result()
    scan = env.client.get_workflow_handle(scanned["workflow_id"])
    return {
        "RiskScan": (scan.id, (await scan.fetch_history()).to_json()),
        "AlertFollowUp": (follow_up.id, (await follow_up.fetch_history()).to_json()),
    }
