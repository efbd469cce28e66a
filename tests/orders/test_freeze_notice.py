"""A salesperson whose orders are frozen (a leaver in handover) is told so before any form: why,
until when, and whom to ask — instead of filling in a whole order only to have it refused. The
API still refuses their orders with ``employee_frozen``."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import func, select
from temporalio.worker import Worker

from schemas.org import EmployeeStatus
from store.db import Database
from store.models import Employee, Offboarding, Order
from tests.orders.test_pages import login_as, order_form
from tests.platform.test_pages import form_token
from tests.support.clock import company_today
from tests.support.customers import CustomerSet, make_customers
from tests.support.orders import make_services, order_body
from tests.support.org import OrgFixture

LAST_DAY = company_today() + timedelta(days=14)


def freeze(db: Database, org: OrgFixture, *, with_case: bool = True) -> None:
    with db.session() as session:
        employee = session.get(Employee, org["sales_south"])
        assert employee is not None
        employee.order_freeze, employee.status = True, EmployeeStatus.offboarding
        if with_case:
            session.add(
                Offboarding(
                    employee_id=employee.id,
                    open_for=employee.id,
                    workflow_id="offboarding-1",
                    reason="个人原因",
                    last_day=LAST_DAY,
                    manager_id=org["manager_south"],
                    started_by=org["hr"],
                )
            )


def orders_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Order)) or 0


async def test_a_frozen_leaver_is_told_why_and_whom_to_ask_instead_of_the_form(
    anonymous: httpx.AsyncClient, db: Database, org: OrgFixture
) -> None:
    make_services(db)
    customers: CustomerSet = make_customers(db, org)
    await login_as(anonymous, "sales_south")
    token = form_token((await anonymous.get("/orders/new")).text)
    freeze(db, org)
    page = await anonymous.get("/orders/new")
    assert page.status_code == 200
    assert 'data-code="employee_frozen"' in page.text and "您现在不能下新订单" in page.text
    assert "离职交接" in page.text and f"最后工作日 {LAST_DAY.isoformat()}" in page.text, "why, and until when"
    assert "陈杰" in page.text and "孙丽" in page.text, "whom to ask: the manager and HR"
    assert 'name="customer_id"' not in page.text and "提交审批" not in page.text, "no form to fill in for nothing"
    assert 'href="/offboardings/mine"' in page.text

    posted = await anonymous.post("/orders/new", data=order_form(token, customers.own, [("LTL", "10", "95.00")]))
    assert posted.status_code == 422 and "您现在不能下新订单" in posted.text
    assert orders_count(db) == 1, "only make_customers' order: nothing was reserved"


async def test_a_freeze_without_a_case_still_says_whom_to_ask(
    anonymous: httpx.AsyncClient, db: Database, org: OrgFixture
) -> None:
    make_services(db)
    make_customers(db, org)
    freeze(db, org, with_case=False)
    await login_as(anonymous, "sales_south")
    page = await anonymous.get("/orders/new")
    assert "您现在不能下新订单" in page.text and "陈杰" in page.text and 'name="customer_id"' not in page.text
    await login_as(anonymous, "sales_south2")
    assert 'name="customer_id"' in (await anonymous.get("/orders/new")).text, "a colleague still orders"


async def test_the_api_still_refuses_a_frozen_leavers_order(
    api,
    worker: Worker,
    db: Database,  # type: ignore[no-untyped-def]
    org: OrgFixture,
) -> None:
    make_services(db)
    customers = make_customers(db, org)
    freeze(db, org)
    response = await (await api("sales_south")).post("/api/orders", json=order_body(customers.own))
    assert response.status_code == 422 and response.json()["error"]["code"] == "order_invalid"
    assert [d["code"] for d in response.json()["error"]["details"]] == ["employee_frozen"]
