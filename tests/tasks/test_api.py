"""Acting on tasks over the JSON API: the right errors, once-only application, and a bounded
answer when no worker runs."""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Any

import httpx
from temporalio.client import Client
from temporalio.worker import Worker

from baton.worker import build_worker
from schemas.kernel.config import Settings
from store.db import Database
from store.models import AuditEntry, Task
from tests.support.org import OrgFixture
from tests.support.steps import approval_step, start_probe, wait_for_row, wait_for_step, wait_for_task
from tests.support.workflows import SUPPORT_WORKFLOWS, StepProbeWorkflow


async def open_task(client: Client, settings: Settings, db: Database, **spec: Any) -> str:
    handle = await start_probe(client, settings.temporal.task_queue, [approval_step(**spec)])
    task_id = f"{handle.id}:approve"
    await wait_for_step(handle, db, task_id)
    return task_id


async def test_inbox_lists_my_tasks_with_their_deadline(
    api,
    worker: Worker,
    temporal_client: Client,  # type: ignore[no-untyped-def]
    settings: Settings,
    db: Database,
    org: OrgFixture,
) -> None:
    task_id = await open_task(temporal_client, settings, db, assignee_id=org["sales_south"])
    mine = await (await api("sales_south")).get("/api/tasks?status=open")
    assert mine.status_code == 200
    body = mine.json()
    assert body["total"] == 1
    item = body["items"][0]
    assert item["id"] == task_id and item["kind"] == "order_approval" and item["process"] == "order"
    assert item["title"] == "审批订单 #7（团队经理）", "titles are rendered in the company language"
    assert item["status"] == "open" and item["overdue"] is False and item["escalated"] is False
    assert item["actions"] == ["approve", "reject"] and item["due_at"]
    theirs = await (await api("sales_east")).get("/api/tasks?status=open")
    assert theirs.json() == {"items": [], "total": 0}


async def test_completing_returns_the_closed_task_and_a_retry_applies_once(
    api,
    worker: Worker,
    temporal_client: Client,
    settings: Settings,
    db: Database,  # type: ignore[no-untyped-def]
    org: OrgFixture,
) -> None:
    task_id = await open_task(temporal_client, settings, db, assignee_id=org["sales_south"])
    client = await api("sales_south")
    first, second = await asyncio.gather(
        client.post(f"/api/tasks/{task_id}/complete", json={"action": "approve", "comment": "同意"}),
        client.post(f"/api/tasks/{task_id}/complete", json={"action": "approve", "comment": "同意"}),
    )
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    assert first.json()["task"]["status"] == "done" and first.json()["task"]["completed_by"] == org["sales_south"]
    await wait_for_task(db, task_id, status="done")
    with db.session() as session:
        completions = (
            session.query(AuditEntry)
            .filter(AuditEntry.entity_id == task_id, AuditEntry.action == "task.completed")
            .count()
        )
    assert completions == 1


async def test_someone_who_may_not_see_the_task_gets_404_for_every_verb_and_nothing_is_recorded(  # type: ignore[no-untyped-def]
    api, worker: Worker, temporal_client: Client, settings: Settings, db: Database, org: OrgFixture
) -> None:
    task_id = await open_task(temporal_client, settings, db, assignee_id=org["sales_south"])
    outsider = await api("sales_east")
    missing = await outsider.post("/api/tasks/no-such-task/complete", json={"action": "approve"})
    for verb, body in (("complete", {"action": "approve"}), ("claim", None), ("unclaim", None)):
        response = await outsider.post(f"/api/tasks/{task_id}/{verb}", json=body)
        assert response.status_code == 404, verb
        assert response.json() == missing.json(), "a hidden task answers exactly as a missing one"
    upload = await outsider.post(
        f"/api/tasks/{task_id}/attachments", files={"file": ("a.pdf", b"%PDF-1.4", "application/pdf")}
    )
    assert upload.status_code == 404
    seen_by_hr = await (await api("hr")).post(f"/api/tasks/{task_id}/complete", json={"action": "approve"})
    assert seen_by_hr.status_code == 403 and seen_by_hr.json()["error"]["code"] == "not_your_task"
    with db.session() as session:
        task = session.get(Task, task_id)
        assert task is not None and task.status == "open"


async def test_reject_without_comment_and_unknown_action_are_422(
    api,
    worker: Worker,
    temporal_client: Client,  # type: ignore[no-untyped-def]
    settings: Settings,
    db: Database,
    org: OrgFixture,
) -> None:
    task_id = await open_task(temporal_client, settings, db, assignee_id=org["sales_south"])
    client = await api("sales_south")
    reject = await client.post(f"/api/tasks/{task_id}/complete", json={"action": "reject"})
    assert reject.status_code == 422
    assert reject.json()["error"]["details"][0]["field"] == "comment"
    unknown = await client.post(f"/api/tasks/{task_id}/complete", json={"action": "delete"})
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "invalid_action"
    missing = await client.post("/api/tasks/no-such-task/complete", json={"action": "approve"})
    assert missing.status_code == 404


async def test_a_closed_task_answers_409(
    api,
    worker: Worker,
    temporal_client: Client,
    settings: Settings,  # type: ignore[no-untyped-def]
    db: Database,
    org: OrgFixture,
) -> None:
    task_id = await open_task(temporal_client, settings, db, assignee_id=org["sales_south"])
    client = await api("sales_south")
    assert (await client.post(f"/api/tasks/{task_id}/complete", json={"action": "approve"})).status_code == 200
    late = await client.post(f"/api/tasks/{task_id}/complete", json={"action": "reject", "comment": "晚了"})
    assert late.status_code == 409 and late.json()["error"]["code"] == "task_closed"
    assert late.json()["error"]["details"][0]["decision"] == "approve", "the holder learns why it did not count"
    outsider = await api("sales_east")
    prying = await outsider.post(f"/api/tasks/{task_id}/complete", json={"action": "reject", "comment": "看看"})
    missing = await outsider.post("/api/tasks/no-such-task/complete", json={"action": "reject", "comment": "看看"})
    assert prying.status_code == 404 and prying.json() == missing.json(), "no decision or decider leaks"


async def test_two_people_racing_for_a_role_task_one_wins(
    api,
    worker: Worker,
    temporal_client: Client,  # type: ignore[no-untyped-def]
    settings: Settings,
    db: Database,
    org: OrgFixture,
) -> None:
    from store.models import Employee
    from tests.support.org import password_hash

    with db.session() as session:
        session.add(
            Employee(
                username="finance2",
                name="吴倩",
                password_hash=password_hash(),
                roles=["finance"],
                status="active",
                order_freeze=False,
            )
        )
    task_id = await open_task(temporal_client, settings, db, candidate_role="finance")
    one, two = await api("finance"), await api("finance2")
    assert (await one.get("/api/tasks")).json()["total"] == 1, "a role task is in every holder's inbox"
    answers = await asyncio.gather(
        one.post(f"/api/tasks/{task_id}/complete", json={"action": "approve"}),
        two.post(f"/api/tasks/{task_id}/complete", json={"action": "approve"}),
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409], [a.text for a in answers]
    loser = next(a for a in answers if a.status_code == 409)
    assert loser.json()["error"]["code"] == "task_closed"
    assert loser.json()["error"]["details"][0]["status"] == "done", "the loser sees the current state"


async def test_claiming_a_role_task_takes_it_out_of_the_others_inbox(
    api,
    worker: Worker,  # type: ignore[no-untyped-def]
    temporal_client: Client,
    settings: Settings,
    db: Database,
    org: OrgFixture,
) -> None:
    from store.models import Employee
    from tests.support.org import password_hash

    with db.session() as session:
        session.add(
            Employee(
                username="finance2",
                name="吴倩",
                password_hash=password_hash(),
                roles=["finance"],
                status="active",
                order_freeze=False,
            )
        )
    task_id = await open_task(temporal_client, settings, db, candidate_role="finance")
    one, two = await api("finance"), await api("finance2")
    claimed = await one.post(f"/api/tasks/{task_id}/claim")
    assert claimed.status_code == 200 and claimed.json()["task"]["assignee_id"] == org["finance"]
    await wait_for_row(db, Task, task_id, lambda task: task.assignee_id == org["finance"])
    assert (await two.get("/api/tasks")).json()["total"] == 0
    refused = await two.post(f"/api/tasks/{task_id}/complete", json={"action": "approve"})
    assert refused.status_code == 403
    second_claim = await two.post(f"/api/tasks/{task_id}/claim")
    assert second_claim.status_code == 409 and second_claim.json()["error"]["code"] == "task_claimed"
    released = await one.post(f"/api/tasks/{task_id}/unclaim")
    assert released.status_code == 200 and released.json()["task"]["assignee_id"] is None


async def test_worker_down_answers_503_and_the_late_update_is_never_applied(
    api,
    temporal_client: Client,
    settings: Settings,
    db: Database,
    org: OrgFixture,  # type: ignore[no-untyped-def]
    activity_executor: concurrent.futures.ThreadPoolExecutor,
    app,
) -> None:  # type: ignore[no-untyped-def]
    app.state.settings = settings.with_changes(action_timeout=1.5)
    running = build_worker(temporal_client, settings, db, activity_executor, extra_workflows=SUPPORT_WORKFLOWS)
    async with running:
        task_id = await open_task(temporal_client, settings, db, assignee_id=org["sales_south"])
    client = await api("sales_south")
    response = await client.post(f"/api/tasks/{task_id}/complete", json={"action": "approve"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "engine_unavailable"
    handle = temporal_client.get_workflow_handle(task_id.split(":")[0])
    async with build_worker(temporal_client, settings, db, activity_executor, extra_workflows=SUPPORT_WORKFLOWS):
        state = await handle.query(StepProbeWorkflow.task_state, task_id)
        assert state is not None and state.status == "open", "the request that timed out was not recorded"
        again = await client.post(f"/api/tasks/{task_id}/complete", json={"action": "approve"})
        assert again.status_code == 200, "a person can still act after the worker restarts"


async def test_task_list_validates_its_filters(api, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    client: httpx.AsyncClient = await api("sales_south")
    bad = await client.get("/api/tasks?status=whatever&limit=0")
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json()["error"]["details"]} == {"status", "limit"}
