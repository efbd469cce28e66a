"""Deadlines that act during a handover, with the process clock moved by time skipping: an item
nobody finishes reminds the leaver, then flags the leaver, their manager and HR, then climbs to the
manager and the department head; the last working day passing with open points tells the
department head and HR every day until the case is clean or closed."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select
from temporalio.testing import WorkflowEnvironment

from store.db import Database
from store.models import Notification, Task
from tests.support.clock import company_today
from tests.support.deadlines import fast_forward_to
from tests.support.offboarding import item_task, make_book, start_case
from tests.support.org import OrgFixture

PAST_LAST_DAY = "%(person)s's last working day has passed and the handover still has %(count)s open points."


def task_notices(db: Database, task_id: str) -> Counter[tuple[int, str]]:
    with db.session() as session:
        return Counter(
            (n.recipient_id, n.kind)
            for n in session.scalars(select(Notification).where(Notification.task_id == task_id))
        )


def last_day_notices(db: Database) -> Counter[int]:
    with db.session() as session:
        return Counter(
            session.scalars(select(Notification.recipient_id).where(Notification.message_id == PAST_LAST_DAY))
        )


async def test_an_unfinished_item_reminds_then_flags_then_escalates(
    skipping_api,
    time_skipping_env: WorkflowEnvironment,
    db: Database,  # type: ignore[no-untyped-def]
    org: OrgFixture,
) -> None:
    make_book(db, org, customers=3)
    hr = await skipping_api("hr")
    created = await start_case(hr, org["sales_south"], company_today() + timedelta(days=40))
    files = await item_task(db, created["id"], "customer_files")
    handle = time_skipping_env.client.get_workflow_handle(created["workflow_id"])
    # offboarding.item: due in 5 working days (weekends and public holidays are in files.due_at),
    # reminder a day before, overdue daily, escalation every 2 days past due: the second one.
    assert files.due_at is not None
    await fast_forward_to(time_skipping_env, handle, files.due_at + timedelta(days=4))
    notices = task_notices(db, files.id)
    assert notices[(org["sales_south"], "reminder")] == 1
    assert notices[(org["sales_south"], "overdue")] >= 2
    assert notices[(org["manager_south"], "overdue")] >= 1, "the leaver's manager is told"
    assert notices[(org["hr"], "overdue")] >= 1, "HR is told about every overdue handover item"
    assert notices[(org["manager_south"], "escalation")] == 1 and notices[(org["head"], "escalation")] == 1
    with db.session() as session:
        task = session.get(Task, files.id)
        assert task is not None and task.overdue and task.escalated_to_id == org["head"] and task.status == "open"


async def test_past_the_last_day_the_head_and_hr_hear_daily_until_it_is_cancelled(
    skipping_api,
    time_skipping_env: WorkflowEnvironment,
    db: Database,  # type: ignore[no-untyped-def]
    org: OrgFixture,
) -> None:
    make_book(db, org, customers=2)
    hr = await skipping_api("hr")
    created = await start_case(hr, org["sales_south"], company_today())
    handle = time_skipping_env.client.get_workflow_handle(created["workflow_id"])
    await item_task(db, created["id"], "customer_files")
    due = await item_task(db, created["id"], "open_orders")
    with db.session() as session:
        task = session.get(Task, due.id)
        assert task is not None and task.due_at is not None
    assert last_day_notices(db) == Counter()
    await time_skipping_env.fast_forward(handle, timedelta(days=1, hours=1))
    first = last_day_notices(db)
    assert first == Counter({org["head"]: 1, org["hr"]: 1})
    await time_skipping_env.fast_forward(handle, timedelta(days=2))
    assert last_day_notices(db) == Counter({org["head"]: 3, org["hr"]: 3}), "one notice a day while open"

    cancelled = await hr.post(f"/api/offboardings/{created['id']}/cancel", json={"reason": "员工决定留下"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert (await handle.result())["status"] == "cancelled", "a closed case has no timers left"
    assert last_day_notices(db) == Counter({org["head"]: 3, org["hr"]: 3})
