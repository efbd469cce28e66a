"""The pool: each role sees the leads it may work, a salesperson claims a lead of their own
team's pool up to ``pool.daily_claims`` a company day, and a lead claimed twice at once goes to
exactly one of them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from schemas.customers import NotInPool
from store.db import Database
from store.models import AuditEntry, Customer, OwnershipChange
from store.repo.customers import pool as customer_pool
from store.repo.customers.visibility import Viewer
from tests.support.org import OrgFixture
from tests.support.territories import Territories, add_lead, make_territories

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(db: Database, org: OrgFixture) -> Territories:
    return make_territories(db, org)


@pytest.fixture
def leads(db: Database, world: Territories) -> dict[str, int]:
    return {
        "south": add_lead(db, world.team("south"), "中山创新塑胶有限公司"),
        "south_b": add_lead(db, world.team("south_b"), "江门新材料有限公司"),
        "north": add_lead(db, world.team("north"), "武汉重型机床厂", region="华中"),
    }


def company_midnight() -> datetime:
    return datetime.combine(datetime.now(SHANGHAI).date(), time(0), tzinfo=SHANGHAI).astimezone(UTC)


POOL_SEEN = {
    "sales_south": {"south"},
    "sales_south2": {"south"},
    "manager_south": {"south"},
    "manager_south_b": {"south_b"},
    "sales_south_b": {"south_b"},
    "sales_north": {"north"},
    "manager_north": {"north"},
    "sales_east": set(),
    "manager_east": set(),
    "sales_free": set(),
    "head": {"south", "south_b", "north"},
    "admin": {"south", "south_b", "north"},
    "finance": set(),
    "hr": set(),
}


@pytest.mark.parametrize("username", sorted(POOL_SEEN))
async def test_pool_only_shows_each_role_the_leads_of_their_teams(
    api,
    leads: dict[str, int],  # type: ignore[no-untyped-def]
    username: str,
) -> None:
    client = await api(username)
    pool = (await client.get("/api/customers?pool=true")).json()
    assert {key for key, lead in leads.items() if lead in {c["id"] for c in pool["items"]}} == POOL_SEEN[username]
    assert pool["total"] == len(POOL_SEEN[username])
    mine = (await client.get("/api/customers")).json()["items"]
    if username.startswith("sales_"):
        assert mine == [], "a salesperson's own list is what they own, not the pool"
    for key, lead in leads.items():
        expected = 200 if key in POOL_SEEN[username] else 404
        assert (await client.get(f"/api/customers/{lead}")).status_code == expected, (username, key)


async def test_a_salesperson_claims_a_lead_of_their_team_and_it_is_recorded(  # type: ignore[no-untyped-def]
    api, world: Territories, leads: dict[str, int], db: Database
) -> None:
    sales = await api("sales_south")
    claimed = await sales.post(f"/api/customers/{leads['south']}/claim")
    assert claimed.status_code == 200, claimed.text
    assert (claimed.json()["owner_id"], claimed.json()["team_id"]) == (world["sales_south"], world.team("south"))
    view = (await sales.get(f"/api/customers/{leads['south']}")).json()
    assert view["ownership"][0]["reason"] == "Claimed from pool" and view["ownership"][0]["from_owner_id"] is None
    assert leads["south"] in {c["id"] for c in (await sales.get("/api/customers")).json()["items"]}
    assert (await sales.get("/api/customers?pool=true")).json()["total"] == 0
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "customer.claimed")).one()
        assert (entry.actor_id, entry.entity_id) == (world["sales_south"], str(leads["south"]))
    again = await (await api("sales_south2")).post(f"/api/customers/{leads['south']}/claim")
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_in_pool"
    selling_manager = await api("manager_south_b")
    assert (await selling_manager.post(f"/api/customers/{leads['south_b']}/claim")).status_code == 200


async def test_a_lead_of_another_teams_pool_is_not_found_and_only_sales_claim(  # type: ignore[no-untyped-def]
    api, leads: dict[str, int], db: Database
) -> None:
    missing = await (await api("sales_east")).post("/api/customers/999999/claim")
    for username in ("sales_east", "sales_free", "sales_south_b"):
        response = await (await api(username)).post(f"/api/customers/{leads['south']}/claim")
        assert response.status_code == 404 and response.json() == missing.json(), username
    for username in ("manager_south", "head", "admin", "hr"):
        assert (await (await api(username)).post(f"/api/customers/{leads['south']}/claim")).status_code == 403
    with db.session() as session:
        assert session.get(Customer, leads["south"]).owner_id is None  # type: ignore[union-attr]


async def test_claims_past_the_daily_limit_are_refused_and_change_nothing(  # type: ignore[no-untyped-def]
    api, world: Territories, db: Database
) -> None:
    pool = [add_lead(db, world.team("north"), f"华中客户{n}", region="华中") for n in range(3)]
    admin = await api("admin")
    assert (await admin.put("/api/settings/pool.daily_claims", json={"value": "2"})).status_code == 200
    sales = await api("sales_north")
    for lead in pool[:2]:
        assert (await sales.post(f"/api/customers/{lead}/claim")).status_code == 200
    refused = await sales.post(f"/api/customers/{pool[2]}/claim", headers={"Accept-Language": "en"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "claim_limit"
    assert "2" in refused.json()["error"]["message"] and "%(" not in refused.json()["error"]["message"]
    with db.session() as session:
        assert session.get(Customer, pool[2]).owner_id is None  # type: ignore[union-attr]
        assert (
            session.scalar(
                select(func.count()).select_from(OwnershipChange).where(OwnershipChange.customer_id == pool[2])
            )
            == 0
        )
    manager = await api("manager_north")
    assigned = await manager.post(
        f"/api/customers/{pool[2]}/reassign", json={"owner_id": world["sales_north"], "reason": "经理分配"}
    )
    assert assigned.status_code == 200, "the cap is on claims; a manager may still assign"
    assert (await admin.put("/api/settings/pool.daily_claims", json={"value": "0"})).status_code == 200
    lead = add_lead(db, world.team("north"), "华中客户9", region="华中")
    assert (await (await api("sales_north")).post(f"/api/customers/{lead}/claim")).status_code == 409


async def test_claims_are_counted_by_the_company_day_in_shanghai(  # type: ignore[no-untyped-def]
    api, world: Territories, db: Database
) -> None:
    """One claim a second before company midnight, one a second after: only the second is
    today's, whatever the hour in UTC."""
    earlier = [add_lead(db, world.team("north"), f"旧客户{n}", region="华中") for n in range(2)]
    midnight = company_midnight()
    with db.session() as session:
        for lead, at in zip(earlier, (midnight - timedelta(seconds=1), midnight + timedelta(seconds=1)), strict=True):
            session.get(Customer, lead).owner_id = world["sales_north"]  # type: ignore[union-attr]
            session.add(
                OwnershipChange(
                    customer_id=lead,
                    from_owner_id=None,
                    to_owner_id=world["sales_north"],
                    to_team_id=world.team("north"),
                    reason=customer_pool.CLAIMED,
                    actor_id=world["sales_north"],
                    at=at,
                )
            )
    await (await api("admin")).put("/api/settings/pool.daily_claims", json={"value": "2"})
    sales = await api("sales_north")
    fresh = [add_lead(db, world.team("north"), f"新客户{n}", region="华中") for n in range(2)]
    assert (await sales.post(f"/api/customers/{fresh[0]}/claim")).status_code == 200
    assert (await sales.post(f"/api/customers/{fresh[1]}/claim")).json()["error"]["code"] == "claim_limit"


async def test_two_claims_for_one_lead_at_once_give_it_to_exactly_one(  # type: ignore[no-untyped-def]
    api, world: Territories, leads: dict[str, int], db: Database
) -> None:
    first, second = await api("sales_south"), await api("sales_south2")
    answers = await asyncio.gather(
        first.post(f"/api/customers/{leads['south']}/claim"), second.post(f"/api/customers/{leads['south']}/claim")
    )
    assert sorted(answer.status_code for answer in answers) == [200, 409]
    loser = next(answer for answer in answers if answer.status_code == 409)
    assert loser.json()["error"]["code"] == "not_in_pool"
    with db.session() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(OwnershipChange).where(OwnershipChange.customer_id == leads["south"])
            )
            == 1
        )


def test_a_claim_that_read_the_lead_before_another_took_it_still_loses(
    db: Database, world: Territories, leads: dict[str, int]
) -> None:
    """The check on the loaded lead is not what decides: the conditional update is."""
    since = company_midnight()
    late = Viewer(id=world["sales_south2"], roles=frozenset({"sales"}), team_id=world.team("south"))
    early = Viewer(id=world["sales_south"], roles=frozenset({"sales"}), team_id=world.team("south"))
    with pytest.raises(NotInPool), db.session() as session:
        stale = session.get(Customer, leads["south"])
        assert stale is not None and stale.owner_id is None
        with db.session() as other:
            customer_pool.claim(other, actor=early, customer_id=leads["south"], since=since)
        customer_pool.claim(session, actor=late, customer_id=leads["south"], since=since)
    with db.session() as session:
        assert session.get(Customer, leads["south"]).owner_id == world["sales_south"]  # type: ignore[union-attr]
        assert session.scalar(select(func.count()).select_from(OwnershipChange)) == 1
