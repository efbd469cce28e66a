"""Customers belong to the company: team rules, required profile, ownership moves with reasons,
the pool, the 360 view, append-only hash-chained communication records."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from store.db import Database
from store.models import Customer, Payment, TeamRule
from store.models.base import utcnow
from tests.support.customers import CustomerSet, make_customers
from tests.support.org import OrgFixture

NEW = {
    "name": "广州顺达物流设备有限公司",
    "region": "华南",
    "industry": "工业",
    "size": "medium",
    "contact_name": "李总",
    "contact_phone": "13912345678",
    "address": "广州市黄埔区",
    "credit_limit": "200000",
    "tags": ["偏好夜间运输", "年运输量10万吨"],
}


@pytest.fixture
def customers(db: Database, org: OrgFixture) -> CustomerSet:
    return make_customers(db, org)


async def test_a_salesperson_owns_what_they_create_in_the_team_the_rules_give(
    api,
    org: OrgFixture,  # type: ignore[no-untyped-def]
    db: Database,
) -> None:
    with db.session() as session:
        session.add(TeamRule(region="华南", industry="工业", team_id=org.team_ids["south"], priority=10))
    client = await api("sales_south")
    response = await client.post("/api/customers", json={**NEW, "owner_id": org["sales_east"]})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["owner_id"] == org["sales_south"], "sales cannot hand a new customer to someone else"
    assert body["team_id"] == org.team_ids["south"]
    assert body["credit_limit"] == "200000.00" and body["tags"] == ["偏好夜间运输", "年运输量10万吨"]


async def test_every_missing_required_field_is_listed(api, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    client = await api("sales_south")
    response = await client.post("/api/customers", json={"name": "只有名字的公司"})
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert fields == {"region", "industry", "size", "contact_name", "contact_phone", "address"}


async def test_an_owner_who_is_no_salesperson_is_refused_and_no_owner_means_the_rules_teams_pool(  # type: ignore[no-untyped-def]
    api, org: OrgFixture, db: Database
) -> None:
    with db.session() as session:
        session.add(TeamRule(region="华南", industry="工业", team_id=org.team_ids["south"]))
    head = await api("head")
    unknown = await head.post("/api/customers", json={**NEW, "owner_id": org["finance"]})
    assert unknown.status_code == 422 and unknown.json()["error"]["details"][0]["code"] == "unknown_owner"
    pooled = await head.post("/api/customers", json=NEW)
    assert pooled.status_code == 201 and pooled.json()["owner_id"] is None, "no owner: the team's pool"
    assert pooled.json()["team_id"] == org.team_ids["south"]


async def test_bulk_reassignment_keeps_the_history_with_reasons(
    api,
    org: OrgFixture,  # type: ignore[no-untyped-def]
    customers: CustomerSet,
) -> None:
    manager = await api("manager_south")
    no_reason = await manager.post(
        "/api/customers/reassign",
        json={"customer_ids": [customers.own, customers.pool], "owner_id": org["sales_south2"], "reason": ""},
    )
    assert no_reason.status_code == 422
    moved = await manager.post(
        "/api/customers/reassign",
        json={
            "customer_ids": [customers.own, customers.pool],
            "owner_id": org["sales_south2"],
            "reason": "张伟离职交接",
        },
    )
    assert moved.status_code == 200
    assert {c["owner_id"] for c in moved.json()["items"]} == {org["sales_south2"]}
    view = (await manager.get(f"/api/customers/{customers.own}")).json()
    latest = view["ownership"][0]
    assert latest["from_owner_id"] == org["sales_south"] and latest["to_owner_id"] == org["sales_south2"]
    assert latest["reason"] == "张伟离职交接" and latest["actor_id"] == org["manager_south"]
    assert (await (await api("sales_south")).get(f"/api/customers/{customers.own}")).status_code == 404, (
        "the former owner no longer sees it"
    )


async def test_a_manager_cannot_move_a_customer_out_of_the_team(
    api,
    org: OrgFixture,  # type: ignore[no-untyped-def]
    customers: CustomerSet,
) -> None:
    manager = await api("manager_south")
    response = await manager.post(
        f"/api/customers/{customers.own}/reassign", json={"owner_id": org["sales_east"], "reason": "试试"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["code"] == "owner_outside_team"


async def test_silent_customers_are_reclaimed_into_the_pool(
    api,
    org: OrgFixture,
    customers: CustomerSet,  # type: ignore[no-untyped-def]
    db: Database,
) -> None:
    with db.session() as session:
        for customer_id, days in ((customers.own, 200), (customers.team, 10)):
            customer = session.get(Customer, customer_id)
            assert customer is not None
            customer.last_contact_at = utcnow() - timedelta(days=days)
    manager = await api("manager_south")
    response = await manager.post("/api/customers/reclaim", json={"silent_days": 90})
    assert response.status_code == 200 and response.json() == {"reclaimed": 1}
    pool = (await manager.get("/api/customers?pool=true")).json()
    assert {c["id"] for c in pool["items"]} == {customers.own, customers.pool}
    too_short = await manager.post("/api/customers/reclaim", json={"silent_days": 1})
    assert too_short.status_code == 422


async def test_the_360_view_brings_everything_together(
    api,
    org: OrgFixture,
    customers: CustomerSet,  # type: ignore[no-untyped-def]
    db: Database,
) -> None:
    with db.session() as session:
        from store.models import Order

        order = session.query(Order).filter_by(customer_id=customers.other).one()
        session.add(
            Payment(order_id=order.id, kind="payment", amount=Decimal("5000.00"), paid_at=utcnow() - timedelta(days=3))
        )
    client = await api("sales_east")
    await client.post(
        f"/api/customers/{customers.other}/interactions",
        json={
            "channel": "visit",
            "summary": "上门拜访，客户提到竞争对手报价低5%",
            "occurred_at": "2026-11-18T15:00:00+08:00",
        },
    )
    await client.post(
        f"/api/customers/{customers.other}/complaints",
        json={"summary": "双十一期间两次延误", "occurred_at": "2026-11-15T12:00:00+08:00"},
    )
    view = (await client.get(f"/api/customers/{customers.other}")).json()
    assert view["owner_name"] == "王芳" and view["team_name"] == "华东区零售客户团队"
    assert view["orders"][0]["total"] == "12000.00" and view["orders"][0]["collected"] == "5000.00"
    assert view["receivables"] == "7000.00"
    assert view["interactions"][0]["summary"].startswith("上门拜访")
    assert view["complaints"][0]["summary"] == "双十一期间两次延误"


async def test_records_are_append_only_corrections_reference_the_original(api, customers: CustomerSet) -> None:  # type: ignore[no-untyped-def]
    client = await api("sales_south")
    first = await client.post(
        f"/api/customers/{customers.own}/interactions",
        json={"channel": "wechat", "summary": "微信确认报价12万", "occurred_at": "2026-11-19T10:00:00+08:00"},
    )
    fix = await client.post(
        f"/api/customers/{customers.own}/interactions",
        json={
            "channel": "wechat",
            "summary": "更正：报价为11.5万",
            "occurred_at": "2026-11-19T10:05:00+08:00",
            "corrects_id": first.json()["id"],
        },
    )
    assert fix.status_code == 201 and fix.json()["corrects_id"] == first.json()["id"]
    future = await client.post(
        f"/api/customers/{customers.own}/interactions",
        json={"channel": "phone", "summary": "未来的电话", "occurred_at": "2099-01-01T00:00:00+08:00"},
    )
    assert future.status_code == 422
    timeline = (await client.get(f"/api/customers/{customers.own}")).json()["interactions"]
    assert [i["summary"] for i in timeline][:2] == ["更正：报价为11.5万", "微信确认报价12万"]


async def test_tampering_with_a_stored_record_is_detected(api, customers: CustomerSet, db: Database) -> None:  # type: ignore[no-untyped-def]
    client = await api("sales_south")
    ids = []
    for minute in range(3):
        response = await client.post(
            f"/api/customers/{customers.own}/interactions",
            json={
                "channel": "phone",
                "summary": f"第{minute + 1}次电话跟进",
                "occurred_at": f"2026-11-19T10:0{minute}:00+08:00",
            },
        )
        ids.append(response.json()["id"])
    admin = await api("admin")
    assert (await admin.get("/api/audit/interactions/verify")).json() == {
        "ok": True,
        "entries": 3,
        "first_broken_id": None,
    }
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE interactions SET summary = '客户很满意' WHERE id = :id"), {"id": ids[1]})
    report = (await admin.get("/api/audit/interactions/verify")).json()
    assert report["ok"] is False and report["first_broken_id"] == ids[1]
    assert (await client.get("/api/audit/interactions/verify")).status_code == 403


async def test_only_admin_soft_deletes_and_then_nobody_sees_it(api, customers: CustomerSet) -> None:  # type: ignore[no-untyped-def]
    head = await api("head")
    assert (await head.delete(f"/api/customers/{customers.pool}")).status_code == 403
    admin = await api("admin")
    assert (await admin.delete(f"/api/customers/{customers.pool}")).status_code == 204
    assert (await head.get(f"/api/customers/{customers.pool}")).status_code == 404
    assert customers.pool not in {c["id"] for c in (await head.get("/api/customers")).json()["items"]}


async def test_search_terms_with_wildcards_are_taken_literally(api, customers: CustomerSet) -> None:  # type: ignore[no-untyped-def]
    head = await api("head")
    assert (await head.get("/api/customers?q=%")).json()["total"] == 0
    assert (await head.get("/api/customers?q=_")).json()["total"] == 0
    assert (await head.get("/api/customers?q=美达")).json()["total"] == 1
    assert (await head.get("/api/customers?q=" + "x" * 1000)).status_code == 422


async def test_admin_team_rules_place_new_customers(api, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    admin = await api("admin")
    too_broad = await admin.post("/api/team-rules", json={"team_id": org.team_ids["east"]})
    assert too_broad.status_code == 422
    rule = await admin.post(
        "/api/team-rules",
        json={"region": "华南", "industry": "工业", "size": "large", "team_id": org.team_ids["east"], "priority": 5},
    )
    assert rule.status_code == 201
    assert (await (await api("manager_south")).get("/api/team-rules")).status_code == 403
    head = await api("head")
    large = await head.post("/api/customers", json={**NEW, "size": "large"})
    assert large.status_code == 201 and large.json()["team_id"] == org.team_ids["east"], "the rule places the lead"
    medium = await head.post("/api/customers", json={**NEW, "size": "medium"})
    assert medium.json()["team_id"] == org.team_ids["south"], "no rule: the team covering 华南/工业"
    assert (await admin.delete(f"/api/team-rules/{rule.json()['id']}")).status_code == 204
    assert (await admin.get("/api/team-rules")).json()["total"] == 0


async def test_key_contacts_are_kept_on_the_customer(api, customers: CustomerSet) -> None:  # type: ignore[no-untyped-def]
    owner = await api("sales_south")
    added = await owner.post(
        f"/api/customers/{customers.own}/contacts",
        json={"name": "陈总", "title": "采购总监", "phone": "13700000001", "wechat": "chen-purchase", "is_key": True},
    )
    assert added.status_code == 201
    colleague = await api("sales_south2")
    assert (await colleague.post(f"/api/customers/{customers.own}/contacts", json={"name": "某人"})).status_code == 404
    manager = await api("manager_south")
    view = (await manager.get(f"/api/customers/{customers.own}")).json()
    assert view["contacts"][0]["name"] == "陈总" and view["contacts"][0]["is_key"] is True


async def test_ids_past_what_the_database_holds_are_422_not_500(api, org) -> None:  # type: ignore[no-untyped-def]
    admin = await api("admin")
    huge = "99999999999999999999"
    for method, path in [
        ("GET", f"/api/customers/{huge}"),
        ("POST", f"/api/customers/{huge}/reassign"),
        ("GET", f"/api/employees/{huge}"),
        ("DELETE", f"/api/team-rules/{huge}"),
        ("GET", f"/api/offboardings/{huge}"),
    ]:
        response = await admin.request(method, path, json={})
        assert response.status_code == 422, (path, response.status_code)
