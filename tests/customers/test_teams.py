"""Which team a customer belongs to, and who may create it for whom, in an organisation where two
teams cover the same territory, one team covers several regions by rules, some territories have
rules and others none, a sales manager also sells, and a salesperson is in no team."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from store.db import Database
from store.models import AuditEntry, Customer, OwnershipChange, TeamRule
from tests.support.org import OrgFixture
from tests.support.territories import Territories, add_lead, make_territories

LEAD = {
    "name": "肇庆华锐铝业有限公司",
    "region": "华南",
    "industry": "工业",
    "size": "medium",
    "contact_name": "梁经理",
    "contact_phone": "13711112222",
    "address": "肇庆市端州区",
}


@pytest.fixture
def world(db: Database, org: OrgFixture) -> Territories:
    return make_territories(db, org)


def codes(response: Any) -> list[str]:
    return [detail["code"] for detail in response.json()["error"]["details"]]


async def test_a_customer_created_with_an_owner_belongs_to_the_owners_team(api, world: Territories) -> None:  # type: ignore[no-untyped-def]
    admin = await api("admin")
    second = await admin.post("/api/customers", json={**LEAD, "owner_id": world["sales_south_b"]})
    assert second.status_code == 201, second.text
    assert second.json()["team_id"] == world.team("south_b"), "the second 华南/工业 team, the owner's"
    elsewhere = await admin.post("/api/customers", json={**LEAD, "owner_id": world["sales_east"]})
    assert elsewhere.status_code == 201 and elsewhere.json()["team_id"] == world.team("east")
    free = await admin.post("/api/customers", json={**LEAD, "owner_id": world["sales_free"]})
    assert free.status_code == 201 and free.json()["team_id"] is None, "an owner in no team: no team"
    mine = await (await api("sales_south_b")).post("/api/customers", json={**LEAD, "owner_id": world["sales_east"]})
    assert (mine.json()["owner_id"], mine.json()["team_id"]) == (world["sales_south_b"], world.team("south_b"))


async def test_a_lead_goes_to_the_team_of_the_rule_with_the_best_priority_then_the_most_specific(  # type: ignore[no-untyped-def]
    api, world: Territories, db: Database
) -> None:
    with db.session() as session:
        session.add_all(
            [
                TeamRule(region="华南", team_id=world.team("south"), priority=5),
                TeamRule(region="华南", industry="工业", size="large", team_id=world.team("south_b"), priority=50),
                TeamRule(region="华中", industry="零售", team_id=world.team("east"), priority=100),
            ]
        )
    admin = await api("admin")

    async def team_of(**territory: str) -> int:
        response = await admin.post("/api/customers", json={**LEAD, **territory})
        assert response.status_code == 201, response.text
        assert response.json()["owner_id"] is None
        return int(response.json()["team_id"])

    assert await team_of(size="large") == world.team("south"), "priority 5 beats the more specific priority 50"
    assert await team_of(region="华中", industry="零售") == world.team("east"), "same priority: more specific wins"
    assert await team_of(region="华中", industry="工业") == world.team("north"), "a team's several regions by rules"
    assert await team_of(region="西南", industry="农业") == world.team("north")
    assert await team_of(region="华北", industry="工业") == world.team("north"), "no rule: the covering team"


async def test_a_lead_nobody_can_place_is_refused_with_the_reason_until_a_rule_decides(  # type: ignore[no-untyped-def]
    api, world: Territories, db: Database
) -> None:
    admin = await api("admin")
    two_teams = await admin.post("/api/customers", json=LEAD)
    assert two_teams.status_code == 422 and codes(two_teams) == ["team_ambiguous"]
    assert (
        "rule"
        in (await admin.post("/api/customers", json=LEAD, headers={"Accept-Language": "en"})).json()["error"][
            "details"
        ][0]["message"]
    )
    nobody = await admin.post("/api/customers", json={**LEAD, "region": "西北", "industry": "医药"})
    assert nobody.status_code == 422 and codes(nobody) == ["no_team"]
    with db.session() as session:
        assert session.scalars(select(Customer)).all() == [], "nothing half-written"
    owned = await admin.post("/api/customers", json={**LEAD, "owner_id": world["sales_south"]})
    assert owned.status_code == 201 and owned.json()["team_id"] == world.team("south"), "an owner decides"
    rule = await admin.post(
        "/api/team-rules", json={"region": "华南", "industry": "工业", "team_id": world.team("south_b"), "priority": 20}
    )
    assert rule.status_code == 201
    placed = await admin.post("/api/customers", json=LEAD)
    assert placed.status_code == 201 and placed.json()["team_id"] == world.team("south_b")


async def test_a_rule_that_would_tie_with_another_for_some_customer_is_refused(api, world: Territories) -> None:  # type: ignore[no-untyped-def]
    admin = await api("admin")
    south = {"region": "华南", "team_id": world.team("south"), "priority": 10}
    assert (await admin.post("/api/team-rules", json=south)).status_code == 201
    tie = await admin.post(
        "/api/team-rules", json={"industry": "工业", "team_id": world.team("south_b"), "priority": 10}
    )
    assert tie.status_code == 422 and codes(tie) == ["rule_conflict"], "华南/工业 would match both"
    assert (
        await admin.post("/api/team-rules", json={"industry": "工业", "team_id": world.team("south_b"), "priority": 11})
    ).status_code == 201
    assert (
        await admin.post("/api/team-rules", json={"region": "华东", "team_id": world.team("east"), "priority": 10})
    ).status_code == 201, "no overlap"
    assert (await admin.post("/api/team-rules", json={**south, "industry": "工业"})).status_code == 201, (
        "more specific: it decides"
    )
    assert (await admin.get("/api/team-rules")).json()["total"] == 2 + 4, "the two of the organisation, four here"


async def test_creating_for_someone_is_refused_exactly_as_reassigning_to_them(  # type: ignore[no-untyped-def]
    api, world: Territories, db: Database
) -> None:
    manager = await api("manager_south")
    east = {**LEAD, "region": "华东", "industry": "零售"}
    created = await manager.post("/api/customers", json={**east, "owner_id": world["sales_east"]})
    own = await manager.post("/api/customers", json={**LEAD, "owner_id": world["sales_south"]})
    assert own.status_code == 201 and own.json()["team_id"] == world.team("south")
    moved = await manager.post(
        f"/api/customers/{own.json()['id']}/reassign", json={"owner_id": world["sales_east"], "reason": "试试"}
    )
    assert created.status_code == moved.status_code == 422
    assert created.json()["error"] == moved.json()["error"], "one rule, one refusal"
    assert codes(created) == ["owner_outside_team"]
    lead_elsewhere = await manager.post("/api/customers", json=east)
    assert lead_elsewhere.status_code == 422 and codes(lead_elsewhere) == ["team_not_yours"]
    with db.session() as session:
        assert {c.name for c in session.scalars(select(Customer))} == {LEAD["name"]}
        assert session.get(Customer, own.json()["id"]).owner_id == world["sales_south"]  # type: ignore[union-attr]


async def test_a_manager_who_sells_creates_for_themselves_their_team_or_its_pool(  # type: ignore[no-untyped-def]
    api, world: Territories, db: Database
) -> None:
    with db.session() as session:
        session.add(TeamRule(region="华南", industry="工业", size="large", team_id=world.team("south_b"), priority=1))
    selling = await api("manager_south_b")
    for owner in (world["manager_south_b"], world["sales_south_b"]):
        response = await selling.post("/api/customers", json={**LEAD, "owner_id": owner})
        assert response.status_code == 201 and response.json()["team_id"] == world.team("south_b")
    pool = await selling.post("/api/customers", json={**LEAD, "size": "large"})
    assert pool.status_code == 201
    assert (pool.json()["owner_id"], pool.json()["team_id"]) == (None, world.team("south_b"))
    other = await selling.post("/api/customers", json={**LEAD, "owner_id": world["sales_south"]})
    assert other.status_code == 422 and codes(other) == ["owner_outside_team"]


async def test_a_pool_lead_given_to_a_salesperson_is_a_recorded_move_from_nobody(  # type: ignore[no-untyped-def]
    api, world: Territories, db: Database
) -> None:
    lead = add_lead(db, world.team("north"), "成都天府重工", region="西南")
    manager = await api("manager_north")
    outsider = await manager.post(
        f"/api/customers/{lead}/reassign", json={"owner_id": world["sales_south"], "reason": "分配"}
    )
    assert outsider.status_code == 422 and codes(outsider) == ["owner_outside_team"]
    given = await manager.post(
        f"/api/customers/{lead}/reassign", json={"owner_id": world["sales_north"], "reason": "分配公海客户"}
    )
    assert given.status_code == 200 and given.json()["owner_id"] == world["sales_north"]
    with db.session() as session:
        move = session.scalars(select(OwnershipChange).where(OwnershipChange.customer_id == lead)).one()
        assert (move.from_owner_id, move.to_owner_id, move.reason) == (None, world["sales_north"], "分配公海客户")
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "customer.reassigned")).one()
        assert entry.detail["from"] is None and entry.detail["to"] == world["sales_north"]
    assert (await (await api("sales_north")).get(f"/api/customers/{lead}")).json()["owner_id"] == world["sales_north"]


async def test_a_customer_of_a_salesperson_in_no_team_joins_the_rules_pool_when_released(  # type: ignore[no-untyped-def]
    api, world: Territories
) -> None:
    head = await api("head")
    owned = await head.post("/api/customers", json={**LEAD, "region": "华中", "owner_id": world["sales_free"]})
    assert owned.status_code == 201 and owned.json()["team_id"] is None
    released = await head.post(
        f"/api/customers/{owned.json()['id']}/reassign", json={"owner_id": None, "reason": "离职前释放"}
    )
    assert released.status_code == 200
    assert (released.json()["owner_id"], released.json()["team_id"]) == (None, world.team("north"))
    assert owned.json()["id"] in {
        c["id"] for c in (await (await api("sales_north")).get("/api/customers?pool=true")).json()["items"]
    }, "the rule's team sees it in its pool"
