"""The task page tells the person what the task is about in business words: names instead of
ids, money as money, times in company time, warnings in words and links to the order, the case
and the customer — never the process's own keys (``step``, ``revision``, ``order_id``...)."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import httpx
from temporalio.worker import Worker

from schemas.offboarding import PLAN_STEP, task_id_of
from store.db import Database
from store.models import Customer, Task
from tests.notifications.test_notifications import page_login
from tests.support.customers import make_customers
from tests.support.offboarding import item_task, make_book, start_case
from tests.support.orders import make_services, order_body, wait_for_approval
from tests.support.org import OrgFixture
from tests.support.steps import wait_for_row

RAW_KEYS = ("order_id", "revision", "step", "warnings", "offboarding_id", "proposal", "evidence", "[]", "{")


def facts_of(html: str) -> str:
    found = re.search(r'<dl class="facts">(.*?)</dl>', html, re.S)
    assert found, html
    return found.group(1)


def shown(facts: str) -> list[str]:
    """The facts as read: every label and value, tags stripped."""
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", part)).strip()
        for part in re.findall(r"<d[td][^>]*>(.*?)</d[td]>", facts, re.S)
    ]


async def test_an_approval_task_names_the_order_customer_seller_money_and_company_time(
    api, anonymous: httpx.AsyncClient, worker: Worker, db: Database, org: OrgFixture
) -> None:  # type: ignore[no-untyped-def]
    make_services(db)
    customers = make_customers(db, org)
    seller = await api("sales_south")
    created = await seller.post("/api/orders", json=order_body(customers.own, [("LTL", 10, "95.00")]))
    assert created.status_code == 201, created.text
    order_id = created.json()["id"]
    task = await wait_for_approval(db, order_id, "manager")
    await page_login(anonymous, "manager_south")
    page = await anonymous.get(f"/tasks/{task.id}")
    assert page.status_code == 200
    facts = facts_of(page.text)
    words = shown(facts)
    assert f'<a href="/orders/{order_id}">订单 #{order_id}</a>' in facts
    assert f'<a href="/customers/{customers.own}">佛山美达电器有限公司</a>' in facts
    assert words[words.index("销售员") + 1] == "张伟" and words[words.index("审批环节") + 1] == "团队经理"
    assert words[words.index("金额") + 1] == "¥950.00"
    assert words[words.index("提示") + 1] == "新客户", "the approver's warning in words"
    assert any("零担运输" in word and "¥95.00" in word for word in words), words
    assert task.due_at is not None
    company_due = task.due_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert company_due in words
    for raw in RAW_KEYS:
        assert all(raw not in word for word in words), (raw, words)


async def test_a_reassignment_task_names_the_leaver_and_each_customers_proposed_owner(
    api, anonymous: httpx.AsyncClient, worker: Worker, db: Database, org: OrgFixture
) -> None:  # type: ignore[no-untyped-def]
    book = make_book(db, org, customers=3)
    created = await start_case(await api("hr"), org["sales_south"])
    case_id = created["id"]
    item = await item_task(db, case_id, "customer_files")
    plan = await wait_for_row(
        db, Task, task_id_of(created["workflow_id"], case_id, PLAN_STEP), lambda row: row.status == "open"
    )
    with db.session() as session:
        first = session.get(Customer, book.customers[0])
        assert first is not None
        first_name = first.name
    token = await page_login(anonymous, "manager_south")
    facts = facts_of((await anonymous.get(f"/tasks/{plan.id}")).text)
    words = shown(facts)
    assert f'<a href="/offboardings/{case_id}">张伟</a>' in facts
    assert f'<a href="/customers/{book.customers[0]}">{first_name} → ' in facts
    assert any(word.startswith(first_name) and "→" in word for word in words)
    for raw in RAW_KEYS:
        assert all(raw not in word for word in words), (raw, words)

    await anonymous.post("/logout", headers={"X-CSRF-Token": token})
    await page_login(anonymous, "sales_south")
    item_facts = shown(facts_of((await anonymous.get(f"/tasks/{item.id}")).text))
    assert item_facts[item_facts.index("所需证据") + 1].startswith("请至少上传一个文件"), item_facts
    assert all("attachment" not in word and "customer_files" not in word for word in item_facts), item_facts
