"""Order approval in the second company (tests/support/second_company.py), over the API with the
process clock moved by time skipping: a large order goes to the head of the seller's own
department, a manager who sells and an acting manager never approve their own order, people
without team or manager still get a chain, and an overdue step climbs from whoever it belongs to."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from temporalio.testing import WorkflowEnvironment

from store.db import Database
from store.models import Task
from tests.support.deadlines import use_policy
from tests.support.offboarding import act
from tests.support.orders import make_services, order_body, wait_for_approval
from tests.support.second_company import SecondCompany
from tests.support.steps import notifications, wait_for_row

LARGE = [("FTL", 2, "4800.00")]  # above the 5000 threshold the tests set: the head step is added
SMALL = [("LTL", 10, "95.00")]


async def ready(api, db: Database) -> None:  # type: ignore[no-untyped-def]
    make_services(db)
    admin = await api("admin")
    assert (await admin.put("/api/settings/order.head_threshold", json={"value": "5000"})).status_code == 200


async def place(client: httpx.AsyncClient, customer_id: int, lines: list[tuple[str, int, str]]) -> dict[str, Any]:
    response = await client.post("/api/orders", json=order_body(customer_id, lines))
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()
    return order


async def refused(client: httpx.AsyncClient, task_id: str) -> bool:
    """The person cannot decide the step (a hidden task answers as a missing one)."""
    return (await act(client, task_id, "approve")).status_code in (403, 404)


async def test_a_large_order_goes_to_the_head_of_the_sellers_own_department(
    second_skipping_api, db: Database, second_company: SecondCompany
) -> None:  # type: ignore[no-untyped-def]
    api, company = second_skipping_api, second_company
    await ready(api, db)
    north = await place(await api("n1a"), company.customers["n1a"], LARGE)
    south = await place(await api("s1a"), company.customers["s1a"], LARGE)

    manager_step = await wait_for_approval(db, north["id"], "manager")
    assert (manager_step.assignee_id, manager_step.delegated_from_id) == (company["n1b"], company["mgr_n1"]), (
        "蒋丽 is away: 韩梅 acts for her"
    )
    assert (await act(await api("n1b"), manager_step.id, "approve")).status_code == 200
    head_step = await wait_for_approval(db, north["id"], "head")
    assert head_step.assignee_id == company["head_north"], "the north's head, not the first head the company has"
    assert await refused(await api("head_south"), head_step.id)
    assert (await act(await api("head_north"), head_step.id, "approve")).status_code == 200

    manager_step = await wait_for_approval(db, south["id"], "manager")
    assert manager_step.assignee_id == company["mgr_s1"]
    assert (await act(await api("mgr_s1"), manager_step.id, "approve")).status_code == 200
    head_step = await wait_for_approval(db, south["id"], "head")
    assert head_step.assignee_id == company["head_south"]
    assert (await act(await api("head_south"), head_step.id, "approve")).status_code == 200
    for order in (north, south):
        assert (await wait_for_approval(db, order["id"], "finance")).candidate_role == "finance"


async def test_nobody_approves_their_own_order_not_a_manager_who_sells_nor_an_acting_manager(
    second_skipping_api, db: Database, second_company: SecondCompany
) -> None:  # type: ignore[no-untyped-def]
    api, company = second_skipping_api, second_company
    await ready(api, db)
    seller_manager = await api("mgr_s2")
    own = await place(seller_manager, company.customers["mgr_s2"], LARGE)
    manager_step = await wait_for_approval(db, own["id"], "manager")
    assert manager_step.assignee_id == company["head_south"], "冯刚's own manager, never himself"
    assert await refused(seller_manager, manager_step.id)
    assert (await act(await api("head_south"), manager_step.id, "approve")).status_code == 200
    head_step = await wait_for_approval(db, own["id"], "head")
    assert head_step.assignee_id is None and head_step.candidate_role == "department_head", (
        "韩雪 already approved one step and nobody is above her: another head takes the head step"
    )
    assert await refused(await api("head_south"), head_step.id)
    assert (await act(await api("head_north"), head_step.id, "approve")).status_code == 200
    await wait_for_approval(db, own["id"], "finance")

    acting = await api("n1b")
    hers = await place(acting, company.customers["n1b"], SMALL)
    step = await wait_for_approval(db, hers["id"], "manager")
    assert (step.assignee_id, step.delegated_from_id) == (company["mgr_n1"], None), (
        "韩梅 acts for 蒋丽, but not on her own order: it stays with 蒋丽"
    )
    assert await refused(acting, step.id)
    inbox = (await acting.get("/api/tasks?status=open")).json()["items"]
    assert step.id not in [task["id"] for task in inbox]


async def test_a_salesperson_without_a_team_still_has_a_chain(
    second_skipping_api, db: Database, second_company: SecondCompany
) -> None:  # type: ignore[no-untyped-def]
    api, company = second_skipping_api, second_company
    await ready(api, db)
    solo = await place(await api("solo"), company.customers["solo"], LARGE)
    manager_step = await wait_for_approval(db, solo["id"], "manager")
    assert manager_step.assignee_id == company["head_north"], "孔亮 reports to 魏强"
    assert (await act(await api("head_north"), manager_step.id, "approve")).status_code == 200
    head_step = await wait_for_approval(db, solo["id"], "head")
    assert head_step.assignee_id == company["gm"], "魏强 approved as manager: the head above him approves as head"

    # 白露 has neither team nor manager: the role queues take her order
    stray = await place(await api("stray"), company.customers["stray"], SMALL)
    step = await wait_for_approval(db, stray["id"], "manager")
    assert (step.assignee_id, step.candidate_role) == (None, "sales_manager")


async def test_an_overdue_step_climbs_from_whoever_it_belongs_to(
    second_skipping_api,
    time_skipping_env: WorkflowEnvironment,
    db: Database,  # type: ignore[no-untyped-def]
    second_company: SecondCompany,
) -> None:
    api, company, env = second_skipping_api, second_company, time_skipping_env
    await ready(api, db)
    # Who a late step climbs to is the point here, so notices repeat no more often than escalations.
    use_policy(db, "order.manager_approval", due_in=timedelta(hours=8), escalate_after=timedelta(days=1))
    day = timedelta(days=1)
    use_policy(db, "order.head_approval", due_in=day, repeat_every=day, escalate_after=day)
    north = await place(await api("n1a"), company.customers["n1a"], LARGE)
    south = await place(await api("s1a"), company.customers["s1a"], LARGE)
    delegated = await wait_for_approval(db, north["id"], "manager")
    handle = env.client.get_workflow_handle(north["workflow_id"])
    # order.manager_approval: due in 8 h, escalation a day late
    await env.fast_forward(handle, timedelta(hours=32, minutes=1))
    escalated = await wait_for_row(db, Task, delegated.id, lambda task: task.escalated_to_id is not None)
    assert escalated.escalated_to_id == company["head_north"], "蒋丽's manager, not her deputy's"
    assert (await act(await api("n1b"), delegated.id, "approve")).status_code == 200, "the deputy still may"

    north_head = await wait_for_approval(db, north["id"], "head")
    await env.fast_forward(handle, timedelta(days=2, minutes=1))  # order.head_approval: due in a day, +1 day
    escalated = await wait_for_row(db, Task, north_head.id, lambda task: task.escalated_to_id is not None)
    assert escalated.escalated_to_id == company["gm"], "a head's task climbs to the head above"

    await act(await api("mgr_s1"), (await wait_for_approval(db, south["id"], "manager")).id, "approve")
    south_head = await wait_for_approval(db, south["id"], "head")
    await env.fast_forward(env.client.get_workflow_handle(south["workflow_id"]), timedelta(days=3))
    seen = notifications(db, south_head.id)
    assert seen[(company["head_south"], "overdue")] >= 2, "the overdue notices go on"
    assert not any(kind == "escalation" for _, kind in seen), "nobody is above 韩雪: no escalation"
    with db.session() as session:
        row = session.get(Task, south_head.id)
        assert row is not None and row.escalated_to_id is None and row.status == "open"
