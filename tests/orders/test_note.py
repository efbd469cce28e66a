"""The salesperson's note for the approvers goes with the order everywhere it is decided and
followed: on the order and its page, in each approval task's context (with the seller and the
lines), on the approval cards, in the process history's submission and in the audit log — and an
approval card carries what a manager decides from without opening the order."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlalchemy import select
from temporalio.worker import Worker

from store.db import Database
from store.models import AuditEntry
from tests.orders.test_pages import login_as
from tests.platform.test_pages import form_token
from tests.support.clock import company_today
from tests.support.customers import CustomerSet, make_customers
from tests.support.orders import make_services, order_body, wait_for_approval
from tests.support.org import OrgFixture

NOTE = "老客户，年框合同价，月底前要发第一批货"


def card_of(html: str, order_id: int) -> str:
    cards = html.split('<li class="task approval')[1:]
    found = [card for card in cards if f'/orders/{order_id}"' in card]
    assert len(found) == 1, "one card per approval"
    return found[0]


async def test_the_note_and_what_to_decide_from_reach_the_approvers(
    api, anonymous: httpx.AsyncClient, worker: Worker, db: Database, org: OrgFixture
) -> None:  # type: ignore[no-untyped-def]
    make_services(db)
    customers: CustomerSet = make_customers(db, org)
    sales = await api("sales_south")
    body = {**order_body(customers.own, [("LTL", 10, "95.00"), ("WH", 100, "8.50")]), "note": NOTE}
    created = await sales.post("/api/orders", json=body)
    assert created.status_code == 201, created.text
    order_id = created.json()["id"]
    task = await wait_for_approval(db, order_id, "manager")

    order = (await sales.get(f"/api/orders/{order_id}")).json()
    assert order["note"] == NOTE and order["outstanding"] is None, "nothing is owed before approval"
    context = task.context
    assert context["note"] == NOTE and context["seller"] == "张伟" and context["seller_id"] == org["sales_south"]
    assert context["lines"] == [
        {"service": "LTL", "service_name": "零担运输", "quantity": 10, "unit_price": "95.00", "amount": "950.00"},
        {"service": "WH", "service_name": "仓储", "quantity": 100, "unit_price": "8.50", "amount": "850.00"},
    ]
    tasks = (await (await api("manager_south")).get("/api/tasks?status=open")).json()
    listed = tasks["items"] if isinstance(tasks, dict) else tasks
    assert next(t for t in listed if t["id"] == task.id)["context"]["note"] == NOTE, "the task API carries it"

    with db.session() as session:
        submitted = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "order.submitted", AuditEntry.entity_id == str(order_id))
        ).one()
        assert submitted.detail["note"] == NOTE, "the audit entry keeps what the approvers were told"
    history = (await sales.get(f"/api/processes/order-{order_id}/history")).json()["events"]
    submission = next(e for e in history if e["kind"] == "status_changed" and e["status"] == "pending_approval")
    assert submission["comment"] == NOTE and NOTE in submission["summary"]

    await login_as(anonymous, "manager_south")
    card = card_of((await anonymous.get("/approvals")).text, order_id)
    flat = " ".join(re.sub(r"<[^>]+>", " ", card).split())
    assert NOTE in flat and "张伟" in flat, "the note and the seller on the card"
    assert "零担运输 10 × ¥95.00 = ¥950.00" in flat and "仓储 100 × ¥8.50 = ¥850.00" in flat, "every line"
    assert "¥1,800.00" in flat and "新客户" in flat and "new_customer" not in card, "total, warnings in words"

    page = await anonymous.get(f"/orders/{order_id}")
    assert NOTE in page.text, "the order page shows the note"
    timeline = re.search(r'class="timeline".*?</[ou]l>', page.text, flags=re.S)
    assert timeline and NOTE in timeline.group(0), "the order's timeline shows it with the submission"


async def test_the_order_form_keeps_the_note(
    anonymous: httpx.AsyncClient, worker: Worker, db: Database, org: OrgFixture
) -> None:
    make_services(db)
    customers = make_customers(db, org)
    await login_as(anonymous, "sales_south")
    token = form_token((await anonymous.get("/orders/new")).text)
    form = {
        "csrf_token": token,
        "customer_id": str(customers.own),
        "note": NOTE,
        "requested_date": (company_today() + timedelta(days=3)).isoformat(),
        "service": ["LTL"],
        "quantity": ["10"],
        "unit_price": ["95.00"],
    }
    answer = await anonymous.post("/orders/new", data=form)
    assert answer.status_code == 303, answer.text
    order_id = int(answer.headers["location"].rsplit("/", 1)[1])
    task = await wait_for_approval(db, order_id, "manager")
    assert task.context["note"] == NOTE
    await login_as(anonymous, "manager_south")
    assert NOTE in card_of((await anonymous.get("/approvals")).text, order_id)


async def test_a_note_longer_than_500_characters_is_refused(
    api,
    anonymous: httpx.AsyncClient,
    worker: Worker,  # type: ignore[no-untyped-def]
    db: Database,
    org: OrgFixture,
) -> None:
    make_services(db)
    customers = make_customers(db, org)
    response = await (await api("sales_south")).post(
        "/api/orders", json={**order_body(customers.own), "note": "长" * 501}
    )
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["note"]
    await login_as(anonymous, "sales_south")
    token = form_token((await anonymous.get("/orders/new")).text)
    page = await anonymous.post(
        "/orders/new",
        data={
            "csrf_token": token,
            "customer_id": str(customers.own),
            "note": "长" * 501,
            "requested_date": (company_today() + timedelta(days=3)).isoformat(),
            "service": ["LTL"],
            "quantity": ["10"],
            "unit_price": ["95.00"],
        },
    )
    assert page.status_code == 422 and "给审批人的说明最多 500 个字" in page.text
