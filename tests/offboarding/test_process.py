"""The story Baton was born from, over the API with the process on the time-skipping server: 张伟
resigns; his orders freeze, the ten checklist items each demand their evidence, his thirty
customers move to two teammates, finance returns an item, and only a clean case lets HR confirm
his departure."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from activities.offboarding import PENDING_ORDERS, STARTED
from schemas.offboarding import PLAN_STEP, review_step, task_id_of
from store.db import Database
from store.models import Customer, Employee, ExperienceNote, Notification, Order, OwnershipChange, Task
from tests.support.clock import company_today
from tests.support.offboarding import act, item_task, make_book, record_followups, start_case, upload, wait_for_case
from tests.support.orders import make_services, order_body
from tests.support.org import PASSWORD, OrgFixture
from tests.support.steps import wait_for_row

SALES_ITEMS = [
    "customer_files",
    "open_orders",
    "followup_records",
    "competitor_contacts",
    "receivables",
    "key_contacts",
    "contracts_quotes",
    "accounts_devices",
    "experience_notes",
    "customer_notice",
]


async def case_of(client: httpx.AsyncClient, case_id: int) -> dict:  # type: ignore[type-arg]
    response = await client.get(f"/api/offboardings/{case_id}")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def codes(response: httpx.Response) -> list[str]:
    return [problem["code"] for problem in error(response)["details"]]


def error(response: httpx.Response) -> dict:  # type: ignore[type-arg]
    return response.json()["error"]  # type: ignore[no-any-return]


async def test_the_whole_handover_of_a_ten_year_salesperson(skipping_api, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    make_services(db)
    book = make_book(db, org, customers=30)
    hr, leaver = await skipping_api("hr"), await skipping_api("sales_south")
    manager, finance, admin, head = (
        await skipping_api("manager_south"),
        await skipping_api("finance"),
        await skipping_api("admin"),
        await skipping_api("head"),
    )
    last_day = company_today() + timedelta(days=10)
    created = await start_case(hr, org["sales_south"], last_day)
    case_id = created["id"]
    assert created["status"] == "handover" and created["workflow_id"] == f"offboarding-{org['sales_south']}"

    # The freeze is on the moment the case exists: no new orders from the leaver.
    refused = await leaver.post("/api/orders", json=order_body(book.customers[2], [("LTL", 1, "95.00")]))
    assert refused.status_code == 422 and "employee_frozen" in codes(refused)
    again = await hr.post(
        "/api/offboardings", json={"employee_id": org["sales_south"], "reason": "x", "last_day": last_day.isoformat()}
    )
    assert again.status_code == 409 and error(again)["code"] == "already_offboarding"

    with db.session() as session:
        told = Counter(
            (n.recipient_id, n.message_id)
            for n in session.scalars(select(Notification).where(Notification.process_id == created["workflow_id"]))
        )
    for watcher in ("manager_south", "head", "hr"):
        assert told[(org[watcher], STARTED)] == 1, f"{watcher} hears the handover started"
    assert told[(org["manager_south"], PENDING_ORDERS)] == 1, "the manager hears an order still waits"

    case = await case_of(leaver, case_id)
    assert [item["key"] for item in case["items"]] == SALES_ITEMS
    assert {review["role"]: review["status"] for review in case["reviews"]} == {
        "department_head": "pending",
        "hr": "pending",
        "finance": "pending",
    }
    ends = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tzinfo=UTC) + timedelta(hours=-8)
    for item in case["items"]:
        if item["key"] != "customer_notice":
            task = await item_task(db, case_id, item["key"])
            assert task.due_at is not None and task.due_at <= ends, "never due after the last working day"
    proposed = Counter(row["proposed_to_id"] for row in case["reassignments"])
    assert sum(proposed.values()) == 30 and set(proposed) == {org["sales_south2"], book.teammate}
    big_customer = next(r for r in case["reassignments"] if r["customer_id"] == book.customers[0])
    assert (
        proposed[big_customer["proposed_to_id"]]
        < proposed[({org["sales_south2"], book.teammate} - {big_customer["proposed_to_id"]}).pop()]
    ), "whoever takes the biggest customer gets fewer of the rest"
    assert {"item_open", "plan_not_executed", "review_missing"} <= {b["code"] for b in case["blockers"]}
    blocked = await hr.post(f"/api/offboardings/{case_id}/complete")
    assert blocked.status_code == 409 and error(blocked)["code"] == "offboarding_blocked"
    assert len(error(blocked)["details"]) == 10 + 1 + 3

    # Each item refuses "done" without its evidence, naming what is missing.
    files = await item_task(db, case_id, "customer_files")
    assert codes(await act(leaver, files.id, "done")) == ["attachment_required"]
    other = await skipping_api("sales_south2")
    assert error(await act(other, files.id, "done"))["code"] == "not_found", "a task one may not see is 404"
    orders_task = await item_task(db, case_id, "open_orders")
    missing = await act(leaver, orders_task.id, "done", data={"orders": []})
    assert sorted(p["order_id"] for p in error(missing)["details"]) == sorted(book.open_orders)
    followups = await item_task(db, case_id, "followup_records")
    assert Counter(codes(await act(leaver, followups.id, "done"))) == {"followup_missing": 30}
    declaration = await item_task(db, case_id, "competitor_contacts")
    assert codes(await act(leaver, declaration.id, "done", data={"declaration": "  "})) == ["declaration_required"]
    contacts = await item_task(db, case_id, "key_contacts")
    no_comment = await act(leaver, contacts.id, "done")
    assert codes(no_comment) == ["comment_required"]
    assert error(no_comment)["details"][0]["message"] == "这个决定需要填写备注。"  # in the reader's language

    # The leaver does their part, with evidence.
    evidence = await upload(leaver, files.id)
    assert (await act(leaver, files.id, "done", comment="客户档案已上传")).status_code == 200
    assert (await head.get(f"/api/attachments/{evidence}")).status_code == 200, "sign-off parties read evidence"
    assert (await other.get(f"/api/attachments/{evidence}")).status_code == 404
    plans = [{"order_id": order_id, "collection_plan": "月底前由李娜催收尾款"} for order_id in book.open_orders]
    assert (await act(leaver, orders_task.id, "done", data={"orders": plans})).status_code == 200
    record_followups(db, org["sales_south"], book.customers)
    assert (await act(leaver, followups.id, "done")).status_code == 200
    assert (await act(leaver, declaration.id, "done", data={"declaration": "未与竞争对手接触"})).status_code == 200
    assert (await act(leaver, contacts.id, "done", comment="关键联系人已录入客户资料")).status_code == 200
    quotes = await item_task(db, case_id, "contracts_quotes")
    await upload(leaver, quotes.id, "合同.pdf")
    assert (await act(leaver, quotes.id, "done")).status_code == 200
    notes = await item_task(db, case_id, "experience_notes")
    assert (await act(leaver, notes.id, "done", comment="美达电器夜间发货，月底对账")).status_code == 200
    receivables = await item_task(db, case_id, "receivables")
    assert error(await act(leaver, receivables.id, "done", comment="x"))["code"] == "not_found"
    assert (await act(finance, receivables.id, "done", comment="应收 50000 元已核对")).status_code == 200
    devices = await item_task(db, case_id, "accounts_devices")
    assert (await act(admin, devices.id, "done", comment="电脑与企业微信账号已收回")).status_code == 200

    # The manager's plan: a bad one is refused whole, the proposal goes through.
    plan_task = await wait_for_row(
        db, Task, task_id_of(created["workflow_id"], case_id, PLAN_STEP), lambda task: task.status == "open"
    )
    assert plan_task.assignee_id == org["manager_south"] and len(plan_task.context["proposal"]) == 30
    bad = [{"customer_id": c, "to_id": org["sales_east"]} for c in book.customers[:-1]]
    refused_plan = await act(manager, plan_task.id, "approve", data={"assignments": bad})
    assert set(codes(refused_plan)) == {"successor_other_team", "customer_left_out"}
    with db.session() as session:
        assert session.scalar(select(Customer.owner_id).where(Customer.id == book.customers[0])) == org["sales_south"]
    approved = await act(manager, plan_task.id, "approve", data={"assignments": plan_task.context["proposal"]})
    assert approved.status_code == 200, approved.text
    with db.session() as session:
        owners = Counter(session.scalars(select(Customer.owner_id).where(Customer.id.in_(book.customers))))
        assert owners == Counter(row["to_id"] for row in plan_task.context["proposal"])
        moves = session.scalars(
            select(OwnershipChange).where(
                OwnershipChange.customer_id.in_(book.customers), OwnershipChange.from_owner_id == org["sales_south"]
            )
        )
        assert len(list(moves)) == 30
        collectors = set(session.scalars(select(Order.collector_id).where(Order.id.in_(book.open_orders))))
        assert org["sales_south"] not in collectors and None not in collectors
        owner_of_sale = session.scalar(select(Order.owner_id).where(Order.id == book.open_orders[0]))
        assert owner_of_sale == org["sales_south"], "the sale stays with its seller"
        links = list(session.scalars(select(Notification).where(Notification.recipient_id == book.teammate)))
        assert links and all(n.params and n.params["link"].startswith("/customers/") for n in links)

    notice = await item_task(db, case_id, "customer_notice")
    assert (await act(leaver, notice.id, "done", comment="已发交接确认函")).status_code == 200
    await wait_for_case(db, case_id, "review")

    # Finance returns one item; the round is withdrawn and runs again after the rework.
    first_round = {
        role: await wait_for_row(
            db,
            Task,
            task_id_of(created["workflow_id"], case_id, review_step(role, 1)),
            lambda task: task.status == "open",
        )
        for role in ("department_head", "hr", "finance")
    }
    assert first_round["department_head"].assignee_id == org["head"]
    assert (await act(head, first_round["department_head"].id, "approve")).status_code == 200
    assert error(await act(head, first_round["department_head"].id, "approve"))["code"] == "task_closed"
    no_items = await act(finance, first_round["finance"].id, "reject", comment="联系人不全")
    assert no_items.status_code == 422
    rejected = await act(
        finance, first_round["finance"].id, "reject", comment="关键联系人缺电话", data={"items": ["key_contacts"]}
    )
    assert rejected.status_code == 200, rejected.text
    case = await case_of(hr, case_id)
    assert case["status"] == "handover"
    assert {item["key"]: item["status"] for item in case["items"]}["key_contacts"] == "returned"
    await wait_for_row(db, Task, first_round["hr"].id, lambda task: task.status == "cancelled")
    redo = await item_task(db, case_id, "key_contacts", round_=2)
    assert redo.assignee_id == org["sales_south"]
    assert (await act(leaver, redo.id, "done", comment="补全了每位联系人的电话")).status_code == 200

    await wait_for_case(db, case_id, "review")
    for role, client in (("department_head", head), ("hr", hr), ("finance", finance)):
        task = await wait_for_row(
            db,
            Task,
            task_id_of(created["workflow_id"], case_id, review_step(role, 2)),
            lambda task: task.status == "open",
        )
        assert (await act(client, task.id, "approve")).status_code == 200

    # Clean: HR's final confirmation; the person has left.
    await wait_for_case(db, case_id, "final")
    done = await hr.post(
        f"/api/offboardings/{case_id}/complete",
        json={"comment": "交接完成", "early": True, "early_reason": "交接提前完成"},
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed"
    case = await case_of(hr, case_id)
    assert case["status"] == "completed" and case["blockers"] == []
    with db.session() as session:
        person = session.get(Employee, org["sales_south"])
        assert person is not None and person.status == "departed" and person.order_freeze
        assert session.scalar(select(ExperienceNote.body)) == "美达电器夜间发货，月底对账"
    team_notes = (await manager.get("/api/experience-notes")).json()
    assert [note["body"] for note in team_notes] == ["美达电器夜间发货，月底对账"], "the team keeps what she knew"
    assert (await (await skipping_api("manager_east")).get("/api/experience-notes")).json() == []
    assert (await leaver.get("/api/me")).status_code == 401, "every token is revoked"
    login = await hr.post("/api/login", json={"username": "sales_south", "password": PASSWORD})
    assert login.status_code == 401
