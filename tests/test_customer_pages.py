"""Customer pages: the list, the 360 page with its records, adding a customer, reassigning."""

from __future__ import annotations

import re

import httpx
import pytest

from store.db import Database
from store.models import Customer, Interaction
from tests.support.customers import CustomerSet, make_customers
from tests.support.org import OrgFixture
from tests.test_pages import page_login


@pytest.fixture
def customers(db: Database, org: OrgFixture) -> CustomerSet:
    return make_customers(db, org)


def htmx(html: str) -> dict[str, str]:
    token = re.search(r'"X-CSRF-Token": "([^"]+)"', html)
    assert token
    return {"X-CSRF-Token": token.group(1), "HX-Request": "true"}


async def test_the_list_shows_only_my_customers(anonymous: httpx.AsyncClient, customers: CustomerSet) -> None:
    await page_login(anonymous, "sales_south")
    page = await anonymous.get("/customers")
    assert page.status_code == 200
    assert "佛山美达电器有限公司" in page.text and "东莞恒通五金制品厂" not in page.text
    found = await anonymous.get("/customers?q=美达", headers={"HX-Request": "true"})
    assert "佛山美达电器有限公司" in found.text and "<html" not in found.text


async def test_recording_contact_on_the_360_page(anonymous: httpx.AsyncClient, customers: CustomerSet,
                                                 db: Database) -> None:
    await page_login(anonymous, "sales_south")
    page = await anonymous.get(f"/customers/{customers.own}")
    assert page.status_code == 200 and "沟通记录" in page.text
    empty = await anonymous.post(f"/customers/{customers.own}/interactions", headers=htmx(page.text),
                                 data={"channel": "phone", "summary": " "})
    assert empty.status_code == 422
    saved = await anonymous.post(f"/customers/{customers.own}/interactions", headers=htmx(page.text),
                                 data={"channel": "visit", "summary": "拜访仓库，确认春节前运力需求",
                                       "occurred_at": "2026-11-20T14:30"})
    assert saved.status_code == 200 and "拜访仓库" in saved.text
    with db.session() as session:
        row = session.query(Interaction).filter_by(customer_id=customers.own).one()
        assert row.occurred_at.hour == 6, "the form's local time is Shanghai time (UTC+8)"


async def test_someone_elses_customer_page_is_not_found(anonymous: httpx.AsyncClient,
                                                        customers: CustomerSet) -> None:
    await page_login(anonymous, "sales_south")
    assert (await anonymous.get(f"/customers/{customers.other}")).status_code == 404


async def test_adding_a_customer_lists_every_missing_field(anonymous: httpx.AsyncClient, org: OrgFixture,
                                                          db: Database) -> None:
    await page_login(anonymous, "sales_south")
    page = await anonymous.get("/customers/new")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    missing = await anonymous.post("/customers/new", data={"csrf_token": token.group(1), "name": "新客户"})
    assert missing.status_code == 422
    for field in ("region", "industry", "contact_name", "contact_phone", "address"):
        assert f"<code>{field}</code>" in missing.text
    created = await anonymous.post("/customers/new", data={
        "csrf_token": token.group(1), "name": "珠海海纳电子有限公司", "region": "华南", "industry": "工业",
        "size": "small", "contact_name": "周小姐", "contact_phone": "13600000000", "address": "珠海市香洲区",
        "credit_limit": "80000", "tags": "偏好夜间运输；仓库周日不收货"})
    assert created.status_code == 303
    with db.session() as session:
        customer = session.query(Customer).filter_by(name="珠海海纳电子有限公司").one()
        assert customer.owner_id == org["sales_south"] and customer.tags == ["偏好夜间运输", "仓库周日不收货"]


async def test_a_manager_reassigns_from_the_page(anonymous: httpx.AsyncClient, org: OrgFixture,
                                                 customers: CustomerSet, db: Database) -> None:
    await page_login(anonymous, "manager_south")
    page = await anonymous.get(f"/customers/{customers.pool}")
    assert "重新分配" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    moved = await anonymous.post(f"/customers/{customers.pool}/reassign", data={
        "csrf_token": token.group(1), "owner_id": str(org["sales_south"]), "reason": "分配公海客户"})
    assert moved.status_code == 303
    with db.session() as session:
        customer = session.get(Customer, customers.pool)
        assert customer is not None and customer.owner_id == org["sales_south"]
    after = await anonymous.get(f"/customers/{customers.pool}")
    assert "分配公海客户" in after.text
