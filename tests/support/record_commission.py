"""The commission scenarios recorded for the replay test: a settlement disputed, recomputed,
adjusted, sent back by finance and locked; and the schedule's monthly run that opens one."""

from __future__ import annotations

from datetime import timedelta

from temporalio.testing import WorkflowEnvironment

from schemas.kernel.config import Settings
from store.db import Database
from tests.commission.test_settlement import open_task, team_task
from tests.support.commission import day_in, last_period, pay, sale, save_plan, wait_for_settlement
from tests.support.http import api_login
from tests.support.offboarding import act
from tests.support.org import OrgFixture


async def record_settlement(
    env: WorkflowEnvironment, db: Database, settings: Settings, org: OrgFixture
) -> tuple[str, str]:
    from web.app import create_app

    period = last_period()
    save_plan(db, org, effective_from="2020-01")
    order = sale(db, org, "sales_south", "200000.00")
    first = pay(db, order, "120000.00", day_in(period, 5))
    pay(db, sale(db, org, "sales_east", "5000.00"), "5000.00", day_in(period, 7))
    app = create_app(settings.with_changes(process_clock_lead=90 * 24 * 3600.0), db=db, temporal=env.client)
    login = api_login(app)
    finance, zhang = await login("finance"), await login("sales_south")
    south, east = await login("manager_south"), await login("manager_east")

    created = (await finance.post("/api/commission/settlements", json={"period": period})).json()
    workflow_id = created["workflow_id"]
    handle = env.client.get_workflow_handle(workflow_id)
    await wait_for_settlement(db, period, "employee_review")
    dispute = (
        await zhang.post(
            f"/api/commission/settlements/{period}/disputes",
            json={"payment_id": first, "kind": "earned", "comment": "老客户费率"},
        )
    ).json()
    pay(db, order, "1000.00", day_in(period, 20))
    await finance.post(f"/api/commission/settlements/{period}/recompute")
    await wait_for_settlement(db, period, "employee_review", run=2)
    await env.fast_forward(handle, timedelta(days=10))
    south_task = await team_task(db, workflow_id, org.team_ids["south"])
    await south.post(
        f"/api/commission/settlements/{period}/disputes/{dispute['id']}/resolve",
        json={"decision": "adjusted", "amount": "50.00", "reason": "合同约定"},
    )
    await act(south, south_task.id, "approve")
    await act(east, (await team_task(db, workflow_id, org.team_ids["east"])).id, "approve")
    await act(finance, (await open_task(db, workflow_id, "commission_approval")).id, "reject", comment="请复核")
    await wait_for_settlement(db, period, "manager_review", run=2)
    for team in ("south", "east"):
        client = south if team == "south" else east
        task = await team_task(db, workflow_id, org.team_ids[team])
        if task.context.get("round") == 2:
            await act(client, task.id, "approve")
    await act(finance, (await open_task(db, workflow_id, "commission_approval")).id, "approve")
    await handle.result()
    return workflow_id, (await handle.fetch_history()).to_json()


async def record_monthly(env: WorkflowEnvironment, settings: Settings) -> tuple[str, str]:
    """The schedule's run when last month is already settled: it finds it and stops."""
    handle = await env.client.start_workflow(
        "CommissionMonthly", id="commission-monthly-run", task_queue=settings.temporal.task_queue
    )
    await handle.result()
    return handle.id, (await handle.fetch_history()).to_json()


async def record_monthly_opening(
    env: WorkflowEnvironment, db: Database, settings: Settings, org: OrgFixture
) -> tuple[str, str]:
    """The schedule's run when last month is not settled yet: it opens it and starts its process."""
    save_plan(db, org, effective_from="2020-01")
    handle = await env.client.start_workflow(
        "CommissionMonthly", id="commission-monthly-opens", task_queue=settings.temporal.task_queue
    )
    await handle.result()
    await wait_for_settlement(db, last_period(), "employee_review")
    await env.client.get_workflow_handle(f"commission-{last_period()}").terminate("recorded")
    return handle.id, (await handle.fetch_history()).to_json()
