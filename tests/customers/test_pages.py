"""Customer pages: the list, the 360 page with its records, adding a customer, reassigning."""

from __future__ import annotations

import re

import httpx
import pytest

from store.db import Database
from store.models import Customer, Interaction, OwnershipChange, Setting
from tests.platform.test_pages import form_token, page_login
from tests.support.customers import CustomerSet, make_customers
from tests.support.org import OrgFixture
from tests.support.territories import add_lead, make_territories


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


async def test_recording_contact_on_the_360_page(
    anonymous: httpx.AsyncClient, customers: CustomerSet, db: Database
) -> None:
    await page_login(anonymous, "sales_south")
    page = await anonymous.get(f"/customers/{customers.own}")
    assert page.status_code == 200 and "沟通记录" in page.text
    empty = await anonymous.post(
        f"/customers/{customers.own}/interactions", headers=htmx(page.text), data={"channel": "phone", "summary": " "}
    )
    assert empty.status_code == 422
    saved = await anonymous.post(
        f"/customers/{customers.own}/interactions",
        headers=htmx(page.text),
        data={"channel": "visit", "summary": "拜访仓库，确认春节前运力需求", "occurred_at": "2026-11-20T14:30"},
    )
    assert saved.status_code == 200 and "拜访仓库" in saved.text
    with db.session() as session:
        row = session.query(Interaction).filter_by(customer_id=customers.own).one()
        assert row.occurred_at.hour == 6, "the form's local time is Shanghai time (UTC+8)"


async def test_someone_elses_customer_page_is_not_found(anonymous: httpx.AsyncClient, customers: CustomerSet) -> None:
    await page_login(anonymous, "sales_south")
    assert (await anonymous.get(f"/customers/{customers.other}")).status_code == 404


async def test_adding_a_customer_lists_every_missing_field(
    anonymous: httpx.AsyncClient, org: OrgFixture, db: Database
) -> None:
    await page_login(anonymous, "sales_south")
    page = await anonymous.get("/customers/new")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    missing = await anonymous.post("/customers/new", data={"csrf_token": token.group(1), "name": "新客户"})
    assert missing.status_code == 422
    for field in ("region", "industry", "contact_name", "contact_phone", "address"):
        assert f'data-field="{field}"' in missing.text
    created = await anonymous.post(
        "/customers/new",
        data={
            "csrf_token": token.group(1),
            "name": "珠海海纳电子有限公司",
            "region": "华南",
            "industry": "工业",
            "size": "small",
            "contact_name": "周小姐",
            "contact_phone": "13600000000",
            "address": "珠海市香洲区",
            "credit_limit": "80000",
            "tags": "偏好夜间运输；仓库周日不收货",
        },
    )
    assert created.status_code == 303
    with db.session() as session:
        customer = session.query(Customer).filter_by(name="珠海海纳电子有限公司").one()
        assert customer.owner_id == org["sales_south"] and customer.tags == ["偏好夜间运输", "仓库周日不收货"]


async def test_a_manager_reassigns_from_the_page(
    anonymous: httpx.AsyncClient, org: OrgFixture, customers: CustomerSet, db: Database
) -> None:
    await page_login(anonymous, "manager_south")
    page = await anonymous.get(f"/customers/{customers.pool}")
    assert "分配给" in page.text and "退回公海" not in page.text, "a pool lead is assigned, not sent back"
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    moved = await anonymous.post(
        f"/customers/{customers.pool}/reassign",
        data={"csrf_token": token.group(1), "owner_id": str(org["sales_south"]), "reason": "分配公海客户"},
    )
    assert moved.status_code == 303
    with db.session() as session:
        customer = session.get(Customer, customers.pool)
        assert customer is not None and customer.owner_id == org["sales_south"]
    after = await anonymous.get(f"/customers/{customers.pool}")
    assert "分配公海客户" in after.text


def option_names(html: str, select_name: str) -> list[str]:
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, select_name
    options = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select.group(1))
    return [name.strip() for name in options]


async def test_a_salesperson_claims_from_their_teams_pool_on_the_list(
    anonymous: httpx.AsyncClient, org: OrgFixture, db: Database
) -> None:
    world = make_territories(db, org)
    leads = [add_lead(db, world.team("south"), name) for name in ("中山创新塑胶有限公司", "江门新会五金厂")]
    add_lead(db, world.team("south_b"), "另一组的线索")
    with db.session() as session:
        session.add(Setting(key="pool.daily_claims", value="1"))
    await page_login(anonymous, "sales_south")
    page = await anonymous.get("/customers?pool=true")
    assert "本团队公海" in page.text and "中山创新塑胶有限公司" in page.text and "另一组的线索" not in page.text
    assert "今天还可认领 1 条线索" in page.text and page.text.count(">认领</button>") == 2
    claimed = await anonymous.post(f"/customers/{leads[0]}/claim", headers=htmx(page.text), data={"view": "row"})
    assert claimed.status_code == 200 and "已认领" in claimed.text and "<html" not in claimed.text
    assert 'id="claims-left"' in claimed.text and "hx-swap-oob" in claimed.text and "已用完" in claimed.text
    refused = await anonymous.post(f"/customers/{leads[1]}/claim", headers=htmx(page.text), data={"view": "row"})
    assert refused.status_code == 409 and 'data-code="claim_limit"' in refused.text
    assert "已认领 1 条公海线索" in refused.text, "the reason, with the day's limit, in the row"
    with db.session() as session:
        assert session.get(Customer, leads[0]).owner_id == org["sales_south"]  # type: ignore[union-attr]
        assert session.get(Customer, leads[1]).owner_id is None  # type: ignore[union-attr]


async def test_a_salesperson_claims_from_the_leads_page_and_sees_who_was_faster(
    anonymous: httpx.AsyncClient, org: OrgFixture, db: Database
) -> None:
    world = make_territories(db, org)
    lead = add_lead(db, world.team("south"), "中山创新塑胶有限公司")
    await page_login(anonymous, "sales_south2")
    page = await anonymous.get(f"/customers/{lead}")
    assert "认领此线索" in page.text and "华南区工业客户团队" in page.text
    with db.session() as session:
        session.get(Customer, lead).owner_id = org["sales_south"]  # type: ignore[union-attr]
    late = await anonymous.post(f"/customers/{lead}/claim", headers=htmx(page.text), data={"view": "detail"})
    assert late.status_code == 409 and 'data-code="not_in_pool"' in late.text and 'id="claim-box"' in late.text
    other = add_lead(db, world.team("south"), "江门新会五金厂")
    won = await anonymous.post(f"/customers/{other}/claim", headers=htmx(page.text), data={"view": "detail"})
    assert won.status_code == 200 and won.headers["HX-Redirect"] == f"/customers/{other}"
    after = await anonymous.get(f"/customers/{other}")
    assert "从公海认领" in after.text and "认领此线索" not in after.text


async def test_a_manager_assigns_a_pool_lead_to_a_salesperson_of_its_team(
    anonymous: httpx.AsyncClient, org: OrgFixture, db: Database
) -> None:
    world = make_territories(db, org)
    lead = add_lead(db, world.team("south_b"), "江门新材料有限公司")
    await page_login(anonymous, "manager_south_b")
    listed = await anonymous.get("/customers?pool=true")
    assert set(option_names(listed.text, "owner_id")) == {"吴敏", "黄磊"}, "the lead's team: who sells there"
    detail = await anonymous.get(f"/customers/{lead}")
    assert set(option_names(detail.text, "owner_id")) == {"吴敏", "黄磊"}
    outsider = await anonymous.post(
        f"/customers/{lead}/assign", headers=htmx(listed.text), data={"owner_id": str(org["sales_south"])}
    )
    assert outsider.status_code == 422 and 'data-code="invalid_input"' in outsider.text
    assigned = await anonymous.post(
        f"/customers/{lead}/assign", headers=htmx(listed.text), data={"owner_id": str(world["sales_south_b"])}
    )
    assert assigned.status_code == 200 and "已分配给吴敏" in assigned.text
    again = await anonymous.post(
        f"/customers/{lead}/assign", headers=htmx(listed.text), data={"owner_id": str(world["manager_south_b"])}
    )
    assert again.status_code == 409 and 'data-code="not_in_pool"' in again.text
    with db.session() as session:
        move = session.query(OwnershipChange).filter_by(customer_id=lead).one()
        assert (move.from_owner_id, move.to_owner_id, move.reason) == (
            None,
            world["sales_south_b"],
            "Assigned from the pool",
        )


async def test_the_head_filters_every_teams_pool_and_a_manager_creates_for_their_team(
    anonymous: httpx.AsyncClient, org: OrgFixture, db: Database
) -> None:
    world = make_territories(db, org)
    add_lead(db, world.team("south"), "中山创新塑胶有限公司")
    add_lead(db, world.team("north"), "武汉重型机床厂", region="华中")
    await page_login(anonymous, "head")
    everything = await anonymous.get("/customers?pool=true")
    assert "中山创新塑胶有限公司" in everything.text and "武汉重型机床厂" in everything.text
    north = await anonymous.get(f"/customers?pool=true&team={world.team('north')}", headers={"HX-Request": "true"})
    assert "武汉重型机床厂" in north.text and "中山创新塑胶有限公司" not in north.text
    assert (await anonymous.get("/customers?team=abc")).status_code == 200
    await anonymous.post("/logout", data={"csrf_token": form_token(everything.text)})
    await page_login(anonymous, "manager_south")
    form = await anonymous.get("/customers/new")
    assert set(option_names(form.text, "owner_id")) == {"张伟", "李娜", "陈杰"}, "their team, not 王芳 of 华东"
    refused = await anonymous.post(
        "/customers/new",
        data={
            "csrf_token": form_token(form.text),
            "name": "外区客户",
            "region": "华东",
            "industry": "零售",
            "size": "small",
            "contact_name": "钱先生",
            "contact_phone": "13500000000",
            "address": "杭州市",
            "owner_id": str(org["sales_east"]),
        },
    )
    assert refused.status_code == 422 and "该负责人不在你管理的团队中" in refused.text
