"""Separation of duties on orders: nobody approves their own order or two steps of one order, and
when two finance users race for one step exactly one decision counts."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from store.db import Database
from store.models import Customer, Employee
from store.passwords import hash_password
from store.repo.org import records as org_repo
from tests.support.customers import make_customers
from tests.support.orders import make_services, order_body, wait_for_approval
from tests.support.org import PASSWORD, OrgFixture


def add_person(db: Database, username: str, roles: list[str], manager_id: int | None = None) -> int:
    with db.session() as session:
        person = Employee(
            username=username,
            name=username,
            password_hash=hash_password(PASSWORD),
            roles=roles,
            manager_id=manager_id,
            status="active",
        )
        session.add(person)
        session.flush()
        return person.id


async def test_a_manager_s_own_order_goes_to_their_manager_and_never_back_to_them(  # type: ignore[no-untyped-def]
    api, worker, db: Database, org: OrgFixture
) -> None:
    make_services(db)
    make_customers(db, org)
    with db.session() as session:
        mine = Customer(
            name="广州自营客户",
            owner_id=org["manager_south"],
            team_id=org.team_ids["south"],
            region="华南",
            industry="工业",
            size="medium",
            contact_name="林",
            contact_phone="1",
            address="广州",
            credit_limit=Decimal("100000"),
        )
        session.add(mine)
        session.flush()
        customer_id = mine.id
    manager = await api("manager_south")
    created = (await manager.post("/api/orders", json=order_body(customer_id, [("LTL", 5, "85.00")]))).json()
    first = await wait_for_approval(db, created["id"], "manager")
    assert first.assignee_id == org["head"], "the team's manager submitted: their own manager approves"
    assert (await manager.post(f"/api/tasks/{first.id}/complete", json={"action": "approve"})).status_code == 404, (
        "the seller's own approval task is not theirs to see or act on"
    )

    assert (
        await (await api("head")).post(f"/api/tasks/{first.id}/complete", json={"action": "approve"})
    ).status_code == 200
    second = await wait_for_approval(db, created["id"], "head")
    assert second.assignee_id is None and second.candidate_role == "department_head", (
        "the head already approved one step: the head step goes to any other department head"
    )
    refused = await (await api("head")).post(f"/api/tasks/{second.id}/complete", json={"action": "approve"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_your_task"


async def test_one_person_never_approves_two_steps_of_an_order(
    api,
    worker,
    db: Database,  # type: ignore[no-untyped-def]
    org: OrgFixture,
) -> None:
    make_services(db)
    customers = make_customers(db, org)
    with db.session() as session:  # the department head also keeps the books
        head = session.get(Employee, org["head"])
        assert head is not None
        head.roles = ["department_head", "finance"]
        org_repo.put_setting(session, actor_id=org["admin"], key="order.head_threshold", value="100")
    created = (await (await api("sales_south")).post("/api/orders", json=order_body(customers.own))).json()
    await (await api("manager_south")).post(
        f"/api/tasks/{(await wait_for_approval(db, created['id'], 'manager')).id}/complete", json={"action": "approve"}
    )
    head = await api("head")
    await head.post(
        f"/api/tasks/{(await wait_for_approval(db, created['id'], 'head')).id}/complete", json={"action": "approve"}
    )
    finance_task = await wait_for_approval(db, created["id"], "finance")
    twice = await head.post(f"/api/tasks/{finance_task.id}/complete", json={"action": "approve"})
    assert twice.status_code == 403 and twice.json()["error"]["code"] == "not_your_task"
    inbox = (await head.get("/api/tasks?status=open")).json()["items"]
    assert finance_task.id not in [t["id"] for t in inbox], "the step is not offered to the head either"
    assert (
        await (await api("finance")).post(f"/api/tasks/{finance_task.id}/complete", json={"action": "approve"})
    ).status_code == 200


async def test_two_finance_users_race_and_exactly_one_decision_counts(
    api,
    worker,
    db: Database,  # type: ignore[no-untyped-def]
    org: OrgFixture,
) -> None:
    make_services(db)
    customers = make_customers(db, org)
    add_person(db, "finance2", ["finance"])
    created = (await (await api("sales_south")).post("/api/orders", json=order_body(customers.own))).json()
    await (await api("manager_south")).post(
        f"/api/tasks/{(await wait_for_approval(db, created['id'], 'manager')).id}/complete", json={"action": "approve"}
    )
    task = await wait_for_approval(db, created["id"], "finance")
    first, second = await api("finance"), await api("finance2")
    answers = await asyncio.gather(
        first.post(f"/api/tasks/{task.id}/complete", json={"action": "approve"}),
        second.post(f"/api/tasks/{task.id}/complete", json={"action": "reject", "comment": "金额有误"}),
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    winner = next(a for a in answers if a.status_code == 200).json()["task"]
    order = (await first.get(f"/api/orders/{created['id']}")).json()
    expected = "approved" if winner["decision"] == "approve" else "rejected"
    assert order["status"] == expected
    assert [(a["step"], a["actor_id"]) for a in order["approvals"]][-1] == ("finance", winner["completed_by"])
    assert len(order["approvals"]) == 2
