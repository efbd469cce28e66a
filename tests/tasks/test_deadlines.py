"""Deadlines act on their own: reminder, overdue notices, escalation, with time skipping."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from schemas.kernel.config import Settings
from store.db import Database
from store.models import Delegation, Task
from tests.support.clock import company_today
from tests.support.org import OrgFixture
from tests.support.steps import (
    HOUR,
    STANDARD,
    action,
    approval_step,
    notifications,
    open_step,
    start_probe,
    wait_for_step,
    wait_for_task,
)
from tests.support.workflows import StepProbeWorkflow


async def test_reminder_overdue_repeat_and_escalation_reach_the_right_people_in_order(
    time_skipping_env: WorkflowEnvironment, skipping_worker: Worker, settings: Settings, db: Database, org: OrgFixture
) -> None:
    env = time_skipping_env
    sales, manager = org["sales_south"], org["manager_south"]
    handle, task_id = await open_step(env.client, settings.temporal.task_queue, db, approval_step(assignee_id=sales))
    assert notifications(db, task_id) == Counter({(sales, "info"): 1})

    await env.fast_forward(handle, 6 * HOUR + timedelta(minutes=1))  # 2 h before due
    assert notifications(db, task_id) == Counter({(sales, "info"): 1, (sales, "reminder"): 1})

    await env.fast_forward(handle, 2 * HOUR)  # due: first overdue notice, to the holder and their manager
    seen = notifications(db, task_id)
    assert seen[(sales, "overdue")] == 1 and seen[(manager, "overdue")] == 1
    with db.session() as session:
        task = session.get(Task, task_id)
        assert task is not None and task.overdue and task.escalated_to_id is None

    await env.fast_forward(handle, 4 * HOUR)  # repeat_every later: the second notice
    assert notifications(db, task_id)[(sales, "overdue")] == 2

    await env.fast_forward(handle, 20 * HOUR)  # escalate_after past due: up one level, to the manager
    seen = notifications(db, task_id)
    assert seen[(sales, "overdue")] == 7, "a notice at due and every 4 h for a day"
    assert seen[(manager, "escalation")] == 1
    assert seen[(sales, "reminder")] == 1, "one reminder only"
    assert not any(kind == "escalation" and who != manager for who, kind in seen)
    with db.session() as session:
        task = session.get(Task, task_id)
        assert task is not None and task.escalated_to_id == manager and task.escalation_level == 1

    state = await handle.execute_update(StepProbeWorkflow.complete_task, action(task_id, manager))
    assert state.status == "done" and state.completed_by == manager, "the escalation target may act"
    decisions = await handle.result()
    assert decisions[0].actor_id == manager
    closed = await wait_for_task(db, task_id, status="done")
    assert closed.completed_by == manager and closed.decision == "approve"


async def test_escalation_climbs_again_while_nobody_acts(
    time_skipping_env: WorkflowEnvironment, skipping_worker: Worker, settings: Settings, db: Database, org: OrgFixture
) -> None:
    env = time_skipping_env
    # The standard policy, with overdue notices repeating daily like the escalations (not every 4 h).
    daily = STANDARD.model_copy(update={"repeat_every": timedelta(days=1)})
    handle, task_id = await open_step(
        env.client, settings.temporal.task_queue, db, approval_step(assignee_id=org["sales_south"]), daily
    )
    await env.fast_forward(handle, timedelta(hours=8, days=2, minutes=1))
    seen = notifications(db, task_id)
    assert seen[(org["manager_south"], "escalation")] == 1
    assert seen[(org["head"], "escalation")] == 1, "second level: the manager's manager"
    state = await handle.execute_update(
        StepProbeWorkflow.complete_task, action(task_id, org["sales_south"], "reject", comment="客户信用不足")
    )
    assert state.decision == "reject", "the original holder still may act"


async def test_nothing_is_sent_after_the_person_acts(
    time_skipping_env: WorkflowEnvironment, skipping_worker: Worker, settings: Settings, db: Database, org: OrgFixture
) -> None:
    env = time_skipping_env
    sales = org["sales_south"]
    handle, task_id = await open_step(env.client, settings.temporal.task_queue, db, approval_step(assignee_id=sales))
    await handle.execute_update(StepProbeWorkflow.complete_task, action(task_id, sales))
    await handle.result()
    assert notifications(db, task_id) == Counter({(sales, "info"): 1})
    description = await handle.describe()
    assert description.status is not None and description.status.name == "COMPLETED", "no timer keeps it alive"


async def test_offboarding_steps_copy_hr_on_overdue_notices(
    time_skipping_env: WorkflowEnvironment, skipping_worker: Worker, settings: Settings, db: Database, org: OrgFixture
) -> None:
    env = time_skipping_env
    step = approval_step(
        key="customer_files",
        kind="handover_item",
        process="offboarding",
        actions=["done"],
        policy_key="offboarding.item",
        assignee_id=org["sales_south"],
        notify_hr_when_overdue=True,
    )
    handle, task_id = await open_step(env.client, settings.temporal.task_queue, db, step)
    await env.fast_forward(handle, 8 * HOUR + timedelta(minutes=1))
    seen = notifications(db, task_id)
    assert {who for who, kind in seen if kind == "overdue"} == {org["sales_south"], org["manager_south"], org["hr"]}


async def test_a_delegate_receives_new_tasks_while_the_assignee_is_away(
    time_skipping_env: WorkflowEnvironment, skipping_worker: Worker, settings: Settings, db: Database, org: OrgFixture
) -> None:
    away, stand_in = org["manager_south"], org["sales_south2"]
    with db.session() as session:
        session.add(
            Delegation(
                employee_id=away,
                delegate_id=stand_in,
                starts_on=company_today() - timedelta(days=1),
                ends_on=company_today() + timedelta(days=7),
                reason="年假",
                created_by=away,
            )
        )
    handle, task_id = await open_step(
        time_skipping_env.client, settings.temporal.task_queue, db, approval_step(assignee_id=away)
    )
    task = await wait_for_task(db, task_id)
    assert task.assignee_id == stand_in and task.delegated_from_id == away
    assert notifications(db, task_id)[(stand_in, "info")] == 2, "told of the task and of the delegation"
    state = await handle.execute_update(StepProbeWorkflow.complete_task, action(task_id, stand_in))
    assert state.completed_by == stand_in


async def test_validator_refuses_before_anything_is_recorded(
    time_skipping_env: WorkflowEnvironment, skipping_worker: Worker, settings: Settings, db: Database, org: OrgFixture
) -> None:
    # A second step keeps the process running after the first decision.
    handle = await start_probe(
        time_skipping_env.client,
        settings.temporal.task_queue,
        [approval_step(assignee_id=org["sales_south"]), approval_step("then", assignee_id=org["sales_south"])],
    )
    task_id = f"{handle.id}:approve"
    await wait_for_step(handle, db, task_id)
    refusals = [
        (action(task_id, org["sales_east"]), "not_your_task"),
        (action(task_id, org["sales_south"], "delete"), "invalid_action"),
        (action(task_id, org["sales_south"], "reject"), "task_incomplete"),
    ]
    for attempt, expected in refusals:
        try:
            await handle.execute_update(StepProbeWorkflow.complete_task, attempt)
        except WorkflowUpdateFailedError as exc:
            assert getattr(exc.cause, "type", None) == expected
        else:
            raise AssertionError(f"{expected} was accepted")
    history = [event.event_type for event in (await handle.fetch_history()).events]
    assert not any("UPDATE" in str(kind) for kind in history), "rejected updates leave no trace in history"
    with db.session() as session:
        task = session.get(Task, task_id)
        assert task is not None and task.status == "open"
    await handle.execute_update(StepProbeWorkflow.complete_task, action(task_id, org["sales_south"]))
    try:
        await handle.execute_update(
            StepProbeWorkflow.complete_task, action(task_id, org["sales_south"], "reject", comment="改主意")
        )
    except WorkflowUpdateFailedError as exc:
        assert getattr(exc.cause, "type", None) == "task_closed"
    else:
        raise AssertionError("a closed task accepted a second decision")


async def test_a_withdrawn_step_stops_its_timers_and_closes_the_task(
    time_skipping_env: WorkflowEnvironment, skipping_worker: Worker, settings: Settings, db: Database, org: OrgFixture
) -> None:
    env = time_skipping_env
    handle, task_id = await open_step(
        env.client, settings.temporal.task_queue, db, approval_step(assignee_id=org["sales_south"])
    )
    await handle.signal(StepProbeWorkflow.withdraw, task_id)
    assert await handle.result() == [None]
    closed = await wait_for_task(db, task_id, status="cancelled")
    assert closed.completed_by is None
    assert notifications(db, task_id) == Counter({(org["sales_south"], "info"): 1}), "no reminder after withdrawal"
