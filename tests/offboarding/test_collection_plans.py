"""The leaver's "open orders" item: one collection plan per customer still owing money, covering
every owed order listed under it with what it still owes; orders that owe nothing (rejected,
cancelled, expired, fully paid) ask for nothing. The old plan-per-order form stays valid. The
leaver's own page is short: what is left to do first, the rest folded."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import httpx
from sqlalchemy import select
from temporalio.worker import Worker

from store.db import Database
from store.models import HandoverItem, Order, Payment
from store.models.base import utcnow
from tests.offboarding.test_pages import item_card, section
from tests.orders.test_pages import htmx, login_as
from tests.platform.test_pages import form_token
from tests.support.clock import company_today
from tests.support.offboarding import Book, act, item_task, make_book, start_case
from tests.support.offboarding_pages import post_step
from tests.support.org import OrgFixture


def owe_more(db: Database, org: OrgFixture, book: Book) -> dict[str, int]:
    """Around the book's two owed orders (customer 00 half paid, customer 01 awaiting approval): a
    second owed order of customer 00, and orders of customers 02 and 03 that owe nothing."""
    made: dict[str, int] = {}
    with db.session() as session:
        for name, customer, status, total, paid in (
            ("second", 0, "approved", "1200.00", "200.00"),
            ("rejected", 2, "rejected", "5000.00", None),
            ("cancelled", 2, "cancelled", "700.00", None),
            ("expired", 3, "expired", "800.00", None),
            ("paid", 3, "approved", "900.00", "900.00"),
        ):
            order = Order(
                customer_id=book.customers[customer],
                owner_id=org["sales_south"],
                status=status,
                total=Decimal(total),
                requested_date=company_today() - timedelta(days=3),
            )
            session.add(order)
            session.flush()
            if paid:
                session.add(Payment(order_id=order.id, kind="payment", amount=Decimal(paid), paid_at=utcnow()))
            made[name] = order.id
    return made


async def test_one_collection_plan_per_customer_still_owing(
    api,
    worker: Worker,
    org: OrgFixture,  # type: ignore[no-untyped-def]
    db: Database,
) -> None:
    book = make_book(db, org, customers=4)
    made = owe_more(db, org, book)
    case = await start_case(await api("hr"), org["sales_south"])
    leaver = await api("sales_south")
    task = await item_task(db, case["id"], "open_orders")
    big, waiting = book.open_orders

    nothing = await act(leaver, task.id, "done", data={"customers": []})
    assert nothing.status_code == 422
    details = nothing.json()["error"]["details"]
    assert [(d["code"], d["customer_id"], sorted(d["order_ids"])) for d in details] == [
        ("collection_plan_missing", book.customers[0], sorted([big, made["second"]])),
        ("collection_plan_missing", book.customers[1], [waiting]),
    ], "customers 02 and 03 owe nothing"
    assert details[0]["owed"] == "51000.00" and details[1]["owed"] == "3000.00"

    half = await act(
        leaver,
        task.id,
        "done",
        data={
            "customers": [
                {"customer_id": book.customers[0], "collection_plan": "李娜月底前催收"},
                {"customer_id": book.customers[1], "collection_plan": "  "},
            ]
        },
    )
    assert [d["customer_id"] for d in half.json()["error"]["details"]] == [book.customers[1]]

    # The old form is still understood, and asks nothing for the orders that owe nothing.
    by_order = await act(
        leaver,
        task.id,
        "done",
        data={
            "orders": [
                {"order_id": big, "collection_plan": "李娜催收"},
                {"order_id": made["rejected"], "collection_plan": "x"},
            ]
        },
    )
    assert sorted(d["order_id"] for d in by_order.json()["error"]["details"]) == sorted([made["second"], waiting])

    plans = [
        {"customer_id": book.customers[0], "collection_plan": "李娜月底前催收尾款"},
        {"customer_id": book.customers[1], "collection_plan": "审批后由王强跟进"},
    ]
    done = await act(leaver, task.id, "done", data={"customers": plans})
    assert done.status_code == 200, done.text
    with db.session() as session:
        item = session.scalars(select(HandoverItem).where(HandoverItem.key == "open_orders")).one()
        assert item.status == "done" and item.data == {"customers": plans}


async def test_the_old_plan_per_order_covering_every_owed_order_is_accepted(
    api, worker: Worker, org: OrgFixture, db: Database
) -> None:  # type: ignore[no-untyped-def]
    book = make_book(db, org, customers=4)
    owe_more(db, org, book)
    case = await start_case(await api("hr"), org["sales_south"])
    task = await item_task(db, case["id"], "open_orders")
    with db.session() as session:
        owed = [
            order.id
            for order in session.scalars(
                select(Order).where(
                    Order.owner_id == org["sales_south"], Order.status.in_(["approved", "pending_approval"])
                )
            )
            if order.total > Decimal("900")
        ]
    plans = [{"order_id": order_id, "collection_plan": "李娜催收"} for order_id in owed]
    done = await act(await api("sales_south"), task.id, "done", data={"orders": plans})
    assert done.status_code == 200, done.text


async def test_the_leavers_page_groups_orders_by_customer_and_folds_the_rest(
    anonymous: httpx.AsyncClient, worker: Worker, api, org: OrgFixture, db: Database
) -> None:  # type: ignore[no-untyped-def]
    book = make_book(db, org, customers=4)
    made = owe_more(db, org, book)
    case_id = (await start_case(await api("hr"), org["sales_south"]))["id"]
    task = await item_task(db, case_id, "open_orders")
    await login_as(anonymous, "sales_south")
    page = await anonymous.get(f"/offboardings/{case_id}")
    html = page.text
    todo = section(html, "todo")
    form = section(todo, f"task-{task.id}")
    assert form.count('name="collection_plan"') == 2, "one plan per customer still owing, not one per order"
    first = form[form.index(f'data-customer="{book.customers[0]}"') :]
    assert "华南客户00有限公司" in first and "¥51,000.00" in first, "what the customer still owes"
    assert f"订单 #{made['second']}" in first and "¥1,000.00" in first, "each order with what it still owes"
    for name in ("rejected", "cancelled", "expired", "paid"):
        assert f"订单 #{made[name]}<" not in form, f"the {name} order owes nothing"
    assert "华南客户02有限公司" not in form and "华南客户03有限公司" not in form
    assert html.index('id="todo"') < html.index('id="checklist"')
    assert section(html, "checklist").startswith("<details") and section(html, "plan").startswith("<details")
    assert section(html, "case-timeline").startswith("<details"), "the leaver's page folds what is done and the rest"

    token = form_token(html)
    missing = await post_step(
        anonymous,
        case_id,
        task.id,
        {
            "csrf_token": token,
            "action": "done",
            "customer_id": [str(book.customers[0]), str(book.customers[1])],
            "collection_plan": ["李娜月底前催收", ""],
        },
        htmx(html),
    )
    assert missing.status_code == 422 and "华南客户01有限公司: 请说明此客户的未结订单由谁、如何回款" in missing.text
    assert 'value="李娜月底前催收"' in missing.text and missing.text.count("customer-plan has-problem") == 1
    done = await post_step(
        anonymous,
        case_id,
        task.id,
        {
            "csrf_token": token,
            "action": "done",
            "customer_id": [str(book.customers[0]), str(book.customers[1])],
            "collection_plan": ["李娜月底前催收", "审批后跟进"],
        },
        htmx(html),
    )
    assert done.status_code == 200, done.text
    card = item_card(done.text, "open_orders")
    assert "华南客户00有限公司: 李娜月底前催收" in card and "华南客户01有限公司: 审批后跟进" in card

    await login_as(anonymous, "manager_south")
    managed = await anonymous.get(f"/offboardings/{case_id}")
    assert section(managed.text, "checklist").startswith("<section"), "others see the whole case unfolded"
