"""Record workflow histories for the replay test (run when a workflow's commands change on
purpose, behind ``workflow.patched``):

    .venv/bin/python -m tests.support.record_history [StepProbe] [OrderApproval] [Offboarding] \
        [CommissionSettlement] [CommissionMonthly] [RiskScan] | CommissionMonthlyOpening \
        | OffboardingPastLastDay

(``RiskScan`` records the scan and the ``AlertFollowUp`` of the alert it raised.) The worker
mails every notification to an SMTP server on loopback, so deliveries are in the histories too.

New recordings are added beside the old ones: a history recorded before a ``workflow.patched``
change must keep replaying, so delete a file only when no such process can still be running.

Each scenario drives a real worker on a time-skipping dev server through reminders, overdue
notices, an escalation and a decision, and saves the history under tests/histories/.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import TimeSkippingConfig, WorkflowEnvironment

from baton.devserver import temporal_binary
from baton.worker import build_worker
from schemas import search
from schemas.kernel.config import Settings, load_settings
from schemas.kernel.notify_settings import EmailSettings, NotifySettings
from schemas.tasks import ClaimRequest
from store.db import Database
from store.migrate import upgrade
from tests.support.customers import make_customers
from tests.support.http import api_login
from tests.support.loopback import SmtpRecorder
from tests.support.orders import make_services, order_body, wait_for_approval
from tests.support.org import OrgFixture, make_org
from tests.support.record_alerts import record_scan_and_follow_up
from tests.support.record_commission import record_monthly, record_monthly_opening, record_settlement
from tests.support.record_offboarding import record_offboarding, record_past_last_day
from tests.support.steps import HOUR, action, approval_step, start_probe, wait_for_step
from tests.support.workflows import SUPPORT_WORKFLOWS, StepProbeWorkflow

HISTORIES = Path(__file__).resolve().parent.parent / "histories"


async def record_step_probe(env: WorkflowEnvironment, db: Database, task_queue: str) -> tuple[str, str]:
    org = make_org(db)
    handle = await start_probe(
        env.client,
        task_queue,
        [
            approval_step(key="manager", assignee_id=org["sales_south"]),
            approval_step(key="finance", candidate_role="finance", actions=["approve", "reject"]),
        ],
    )
    first = f"{handle.id}:manager"
    await wait_for_step(handle, db, first)
    await env.fast_forward(handle, timedelta(days=1, hours=9))
    await handle.execute_update(StepProbeWorkflow.complete_task, action(first, org["manager_south"]))
    second = f"{handle.id}:finance"
    await wait_for_step(handle, db, second)
    await env.fast_forward(handle, 2 * HOUR)
    finance = action(second, org["finance"], roles=["finance"]).actor
    await handle.execute_update(StepProbeWorkflow.claim_task, ClaimRequest(task_id=second, actor=finance))
    await handle.execute_update(
        StepProbeWorkflow.complete_task, action(second, org["finance"], "reject", roles=["finance"], comment="金额不符")
    )
    await handle.result()
    return handle.id, (await handle.fetch_history()).to_json()


async def record_order_approval(env: WorkflowEnvironment, db: Database, settings: Settings) -> tuple[str, str]:
    """Submit → manager rejects after a reminder → revise → manager, finance approve."""
    from web.app import create_app

    make_services(db)
    customers = make_customers(db, make_org_once(db))
    app = create_app(settings.with_changes(process_clock_lead=90 * 24 * 3600.0), db=db, temporal=env.client)
    login = api_login(app)

    sales, manager, finance = await login("sales_south"), await login("manager_south"), await login("finance")
    order = (await sales.post("/api/orders", json=order_body(customers.own, [("LTL", 10, "95.00")]))).json()
    handle = env.client.get_workflow_handle(order["workflow_id"])
    task = await wait_for_approval(db, order["id"], "manager")
    await env.fast_forward(handle, 7 * HOUR)
    await manager.post(f"/api/tasks/{task.id}/complete", json={"action": "reject", "comment": "请按合同价"})
    await sales.post(
        f"/api/orders/{order['id']}/resubmit",
        json={"lines": [{"service": "LTL", "quantity": 10, "unit_price": "98.00"}]},
    )
    task = await wait_for_approval(db, order["id"], "manager", revision=2)
    await manager.post(f"/api/tasks/{task.id}/complete", json={"action": "approve"})
    task = await wait_for_approval(db, order["id"], "finance", revision=2)
    await finance.post(f"/api/tasks/{task.id}/complete", json={"action": "approve"})
    await handle.result()
    return handle.id, (await handle.fetch_history()).to_json()


def make_org_once(db: Database) -> OrgFixture:
    from sqlalchemy import select

    from store.models import Employee

    with db.session() as session:
        existing = {e.username: e.id for e in session.scalars(select(Employee))}
    return OrgFixture(ids=existing) if existing else make_org(db)


async def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="baton-history-"))
    settings = load_settings(env={"BATON_DATA_DIR": str(data_dir)})
    upgrade(settings.database_url)
    db = Database(settings.database_url)
    env = await WorkflowEnvironment.start_time_skipping_v2(
        ts_config=TimeSkippingConfig(enabled=False),
        dev_server_existing_path=temporal_binary(),
        data_converter=pydantic_data_converter,
        search_attributes=search.ALL,
        dev_server_extra_args=["--dynamic-config-value", "frontend.workflowTimeSkippingEnabled=true"],
    )
    wanted = set(sys.argv[1:]) or {
        "StepProbe",
        "OrderApproval",
        "Offboarding",
        "CommissionSettlement",
        "CommissionMonthly",
        "RiskScan",
    }
    recorded: dict[str, tuple[str, str]] = {}
    smtp = SmtpRecorder()
    mail = EmailSettings(enabled=True, host="127.0.0.1", port=await smtp.start())
    settings = settings.with_changes(notify=NotifySettings(email=mail))
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as executor:
        async with build_worker(env.client, settings, db, executor, extra_workflows=SUPPORT_WORKFLOWS):
            if "StepProbe" in wanted:
                recorded["StepProbe"] = await record_step_probe(env, db, settings.temporal.task_queue)
            if "OrderApproval" in wanted:
                recorded["OrderApproval"] = await record_order_approval(env, db, settings)
            if "Offboarding" in wanted:
                recorded["Offboarding"] = await record_offboarding(env, db, settings, make_org_once(db))
            if "CommissionSettlement" in wanted:
                recorded["CommissionSettlement"] = await record_settlement(env, db, settings, make_org_once(db))
            if "CommissionMonthly" in wanted:
                recorded["CommissionMonthly"] = await record_monthly(env, settings)
            if "RiskScan" in wanted:
                recorded |= await record_scan_and_follow_up(env, db, settings, make_org_once(db))
            if "CommissionMonthlyOpening" in wanted:  # alone: it leaves last month open
                recorded["CommissionMonthly"] = await record_monthly_opening(env, db, settings, make_org_once(db))
            if "OffboardingPastLastDay" in wanted:  # alone: its last working day is today
                recorded["Offboarding"] = await record_past_last_day(env, db, settings, make_org_once(db))
    for kind, (workflow_id, history) in recorded.items():
        target = HISTORIES / f"{kind}--{workflow_id}.json"  # replay needs the original workflow id
        if target.exists():  # an old recording is what proves old histories still replay: keep it
            print(f"kept {target}: a recording of that workflow id exists; not overwritten", flush=True)
            continue
        target.write_text(history, encoding="utf-8")
        print(f"wrote {target}", flush=True)
    await smtp.stop()
    await env.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
    os._exit(0)
