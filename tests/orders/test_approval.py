"""Every path of an order through approval, over the API, with the process clock moved by time
skipping: straight approval, the head step added by amount and by discount, reject → revise →
approve, expiry, cancellation, and a slow approver escalated."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import httpx
from sqlalchemy import select
from temporalio.testing import WorkflowEnvironment

from store.db import Database
from store.models import CapacityDay, Notification, Task
from store.repo.org import records as org_repo
from tests.support.customers import CustomerSet, make_customers
from tests.support.deadlines import use_policy
from tests.support.orders import approval_tasks, make_services, order_body, wait_for_approval, wait_for_status
from tests.support.org import OrgFixture


def setup(db: Database, org: OrgFixture) -> CustomerSet:
    make_services(db)
    return make_customers(db, org)


async def approve(
    client: httpx.AsyncClient, task_id: str, verb: str = "approve", comment: str | None = None
) -> httpx.Response:
    body = {"action": verb, **({"comment": comment} if comment else {})}
    return await client.post(f"/api/tasks/{task_id}/complete", json=body)


def booked(db: Database, code: str = "LTL") -> int:
    with db.session() as session:
        return sum(row.booked for row in session.scalars(select(CapacityDay).where(CapacityDay.service_code == code)))


def notified(db: Database, recipient: int) -> list[str]:
    with db.session() as session:
        return [
            n.message_id or ""
            for n in session.scalars(
                select(Notification).where(Notification.recipient_id == recipient, Notification.task_id.is_(None))
            )
        ]


async def test_manager_then_finance_approve_and_the_order_is_confirmed(
    skipping_api, db: Database, org: OrgFixture
) -> None:  # type: ignore[no-untyped-def]
    customers = setup(db, org)
    sales, manager, finance = (
        await skipping_api("sales_south"),
        await skipping_api("manager_south"),
        await skipping_api("finance"),
    )
    created = await sales.post("/api/orders", json=order_body(customers.own, [("LTL", 10, "95.00")]))
    assert created.status_code == 201, created.text
    order = created.json()
    assert order["status"] == "pending_approval" and order["workflow_id"] == f"order-{order['id']}"
    assert (await sales.get(f"/api/orders/{order['id']}")).json()["current_step"] == "manager"
    assert booked(db) == 10, "capacity is reserved while the order waits"

    first = await wait_for_approval(db, order["id"], "manager")
    assert first.assignee_id == org["manager_south"]
    assert first.context["warnings"] == [{"code": "new_customer"}], "approvers see the customer is new"
    assert (await approve(manager, first.id)).status_code == 200
    seen = (await sales.get(f"/api/orders/{order['id']}")).json()
    assert seen["current_step"] == "finance", "no head step: small total, price near list"

    second = await wait_for_approval(db, order["id"], "finance")
    assert second.candidate_role == "finance"
    assert (await approve(finance, second.id)).status_code == 200
    seen = (await sales.get(f"/api/orders/{order['id']}")).json()
    assert seen["status"] == "approved" and seen["current_step"] is None and seen["total"] == "950.00"
    assert [(a["step"], a["actor_id"], a["decision"]) for a in seen["approvals"]] == [
        ("manager", org["manager_south"], "approve"),
        ("finance", org["finance"], "approve"),
    ]
    assert booked(db) == 10, "an approved order keeps its capacity"
    assert "Order #%(order)s for %(customer)s is approved." in notified(db, org["sales_south"])


async def test_a_large_total_adds_the_department_head(skipping_api, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    customers = setup(db, org)
    with db.session() as session:
        org_repo.put_setting(session, actor_id=org["admin"], key="order.head_threshold", value="5000")
    sales = await skipping_api("sales_south")
    created = (await sales.post("/api/orders", json=order_body(customers.own, [("FTL", 2, "4800.00")]))).json()
    await approve(await skipping_api("manager_south"), (await wait_for_approval(db, created["id"], "manager")).id)
    head_task = await wait_for_approval(db, created["id"], "head")
    assert head_task.assignee_id == org["head"]
    await approve(await skipping_api("head"), head_task.id)
    await approve(await skipping_api("finance"), (await wait_for_approval(db, created["id"], "finance")).id)
    order = (await sales.get(f"/api/orders/{created['id']}")).json()
    assert order["status"] == "approved"
    assert [a["step"] for a in order["approvals"]] == ["manager", "head", "finance"]


async def test_a_deep_discount_adds_the_department_head_and_warns(skipping_api, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    customers = setup(db, org)
    sales = await skipping_api("sales_south")
    # 85.00 is above the floor (80.00) but 15% under list (100.00).
    created = (await sales.post("/api/orders", json=order_body(customers.own, [("LTL", 5, "85.00")]))).json()
    manager_task = await wait_for_approval(db, created["id"], "manager")
    assert {"code": "unusual_discount", "services": "零担运输"} in manager_task.context["warnings"]
    await approve(await skipping_api("manager_south"), manager_task.id)
    assert (await wait_for_approval(db, created["id"], "head")).assignee_id == org["head"]


async def test_reject_revise_and_resubmit_then_approve(skipping_api, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    customers = setup(db, org)
    sales, manager = await skipping_api("sales_south"), await skipping_api("manager_south")
    created = (await sales.post("/api/orders", json=order_body(customers.own, [("LTL", 30, "95.00")]))).json()
    task = await wait_for_approval(db, created["id"], "manager")

    refused = await approve(manager, task.id, "reject")
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["code"] == "comment_required"
    assert (await approve(manager, task.id, "reject", "价格太低，请按季度合同价重报")).status_code == 200
    order = (await sales.get(f"/api/orders/{created['id']}")).json()
    assert order["status"] == "rejected" and order["current_step"] is None
    assert booked(db) == 0, "a rejected order gives its capacity back"
    assert "Order #%(order)s for %(customer)s was rejected: %(comment)s" in notified(db, org["sales_south"])

    revised = await sales.post(
        f"/api/orders/{created['id']}/resubmit",
        json={"lines": [{"service": "LTL", "quantity": 20, "unit_price": "98.00"}]},
    )
    assert revised.status_code == 200, revised.text
    assert revised.json()["status"] == "pending_approval" and revised.json()["revision"] == 2
    assert revised.json()["total"] == "1960.00"
    assert booked(db) == 20

    second = await wait_for_approval(db, created["id"], "manager", revision=2)
    await approve(manager, second.id)
    await approve(await skipping_api("finance"), (await wait_for_approval(db, created["id"], "finance", 2)).id)
    order = (await sales.get(f"/api/orders/{created['id']}")).json()
    assert order["status"] == "approved" and order["revision"] == 2
    assert [(a["revision"], a["step"], a["decision"]) for a in order["approvals"]] == [
        (1, "manager", "reject"),
        (2, "manager", "approve"),
        (2, "finance", "approve"),
    ]

    again = await sales.post(
        f"/api/orders/{created['id']}/resubmit",
        json={"lines": [{"service": "LTL", "quantity": 1, "unit_price": "98.00"}]},
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "order_not_editable"


async def test_an_undecided_order_expires_and_releases_its_capacity(
    skipping_api, time_skipping_env: WorkflowEnvironment, db: Database, org: OrgFixture
) -> None:  # type: ignore[no-untyped-def]
    customers = setup(db, org)
    # The manager's step falls due after the order would expire: only the expiry acts in this week.
    use_policy(db, "order.manager_approval", due_in=timedelta(days=8))
    sales = await skipping_api("sales_south")
    created = (await sales.post("/api/orders", json=order_body(customers.own, [("LTL", 40, "95.00")]))).json()
    task = await wait_for_approval(db, created["id"], "manager")
    assert booked(db) == 40
    handle = time_skipping_env.client.get_workflow_handle(created["workflow_id"])
    await time_skipping_env.fast_forward(handle, timedelta(days=6, hours=23))
    assert (await sales.get(f"/api/orders/{created['id']}")).json()["status"] == "pending_approval"
    await time_skipping_env.fast_forward(handle, timedelta(hours=2))  # order.expiry: 7 days by default
    await wait_for_status(db, created["id"], "expired")
    await handle.result()
    with db.session() as session:
        closed = session.get(Task, task.id)
        assert closed is not None and closed.status == "cancelled", "the approver's task is withdrawn"
    assert booked(db) == 0
    assert any("expired" in message for message in notified(db, org["sales_south"]))


async def test_the_owner_cancels_a_pending_order_and_nobody_else_can(
    skipping_api, db: Database, org: OrgFixture
) -> None:  # type: ignore[no-untyped-def]
    customers = setup(db, org)
    sales = await skipping_api("sales_south")
    created = (await sales.post("/api/orders", json=order_body(customers.own))).json()
    task = await wait_for_approval(db, created["id"], "manager")

    by_manager = await (await skipping_api("manager_south")).post(f"/api/orders/{created['id']}/cancel")
    assert by_manager.status_code == 403 and by_manager.json()["error"]["code"] == "not_order_owner"
    by_colleague = await (await skipping_api("sales_south2")).post(f"/api/orders/{created['id']}/cancel")
    assert by_colleague.status_code == 404, "another salesperson cannot even see the order"

    cancelled = await sales.post(f"/api/orders/{created['id']}/cancel", json={"reason": "客户改期"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert booked(db) == 0
    with db.session() as session:
        withdrawn = session.get(Task, task.id)
        assert withdrawn is not None and withdrawn.status == "cancelled"
    late = await approve(await skipping_api("manager_south"), task.id)
    assert late.status_code == 409
    twice = await sales.post(f"/api/orders/{created['id']}/cancel")
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "order_not_cancellable"


async def test_a_slow_manager_is_reminded_then_escalated_to_the_head_who_may_approve(
    skipping_api, time_skipping_env: WorkflowEnvironment, db: Database, org: OrgFixture
) -> None:  # type: ignore[no-untyped-def]
    customers = setup(db, org)
    sales = await skipping_api("sales_south")
    created = (await sales.post("/api/orders", json=order_body(customers.own))).json()
    task = await wait_for_approval(db, created["id"], "manager")
    handle = time_skipping_env.client.get_workflow_handle(created["workflow_id"])
    # order.manager_approval: due in 8 h, reminder 2 h before, overdue every 4 h, escalation a day late.
    await time_skipping_env.fast_forward(handle, timedelta(hours=32, minutes=1))
    with db.session() as session:
        kinds = Counter(
            (n.recipient_id, n.kind)
            for n in session.scalars(select(Notification).where(Notification.task_id == task.id))
        )
        escalated = session.get(Task, task.id)
    assert kinds[(org["manager_south"], "reminder")] == 1
    assert kinds[(org["manager_south"], "overdue")] >= 2 and kinds[(org["head"], "overdue")] >= 1
    assert kinds[(org["head"], "escalation")] == 1
    assert escalated is not None and escalated.escalated_to_id == org["head"]
    assert (await approve(await skipping_api("head"), task.id)).status_code == 200
    assert (await wait_for_approval(db, created["id"], "finance")).status == "open"
    assert [t.id for t in approval_tasks(db, created["id"])] == [task.id, f"order-{created['id']}:r1-finance"]
