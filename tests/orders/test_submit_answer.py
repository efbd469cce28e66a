"""Submitting and resubmitting an order answer once the first approval task is open, and name it:
the approver acts on it straight away, without asking again."""

from __future__ import annotations

import httpx

from store.db import Database
from store.models import Task
from tests.support.customers import make_customers
from tests.support.orders import make_services, order_body
from tests.support.org import OrgFixture


def open_task(db: Database, task_id: str) -> Task | None:
    with db.session() as session:
        task = session.get(Task, task_id)
        return task if task is not None and task.status == "open" else None


async def test_the_answers_name_the_open_task_the_manager_acts_on_at_once(
    api, worker, db: Database, org: OrgFixture
) -> None:  # type: ignore[no-untyped-def]
    make_services(db)
    customers = make_customers(db, org)
    sales, manager = await api("sales_south"), await api("manager_south")

    created = await sales.post("/api/orders", json=order_body(customers.own, [("LTL", 10, "95.00")]))
    assert created.status_code == 201, created.text
    order = created.json()
    assert order["status"] == "pending_approval"
    assert order["next_task"] == f"order-{order['id']}:r1-manager"
    assert open_task(db, order["next_task"]) is not None, "the task is in the manager's inbox already"
    inbox = (await manager.get("/api/tasks", params={"status": "open"})).json()
    assert order["next_task"] in [task["id"] for task in inbox["items"]]

    rejected = await manager.post(
        f"/api/tasks/{order['next_task']}/complete", json={"action": "reject", "comment": "请按合同价"}
    )
    assert rejected.status_code == 200, rejected.text

    revised = await sales.post(
        f"/api/orders/{order['id']}/resubmit",
        json={"lines": [{"service": "LTL", "quantity": 10, "unit_price": "98.00"}]},
    )
    assert revised.status_code == 200, revised.text
    assert revised.json()["revision"] == 2 and revised.json()["status"] == "pending_approval"
    assert revised.json()["next_task"] == f"order-{order['id']}:r2-manager"
    approved = await manager.post(f"/api/tasks/{revised.json()['next_task']}/complete", json={"action": "approve"})
    assert approved.status_code == 200, approved.text
    seen = (await sales.get(f"/api/orders/{order['id']}")).json()
    assert seen["current_step"] == "finance" and "next_task" not in seen


async def test_the_openapi_document_describes_the_task_in_the_answers(anonymous: httpx.AsyncClient) -> None:
    schemas = (await anonymous.get("/openapi.json")).json()["components"]["schemas"]
    for answer in ("OrderCreated", "OrderResubmitted"):
        assert "approval task open for this submission" in schemas[answer]["properties"]["next_task"]["description"]
