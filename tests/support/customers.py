"""A handful of customers placed so every visibility rule has something to show or hide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from store.db import Database
from store.models import Customer, Order
from store.models.base import utcnow
from tests.support.clock import company_today
from tests.support.org import OrgFixture

PROFILE = {
    "region": "华南",
    "industry": "工业",
    "size": "large",
    "contact_name": "黄经理",
    "contact_phone": "13800000000",
    "address": "广州市天河区",
    "credit_limit": Decimal("500000"),
}


@dataclass
class CustomerSet:
    own: int  # sales_south's
    team: int  # sales_south2's, same team
    other: int  # sales_east's, other team (the only one with an order)
    pool: int  # the south team's, no owner

    @property
    def all(self) -> dict[str, int]:
        return {"own": self.own, "team": self.team, "other": self.other, "pool": self.pool}


def make_customers(db: Database, org: OrgFixture) -> CustomerSet:
    south, east = org.team_ids["south"], org.team_ids["east"]
    with db.session() as session:
        rows = {
            "own": Customer(name="佛山美达电器有限公司", owner_id=org["sales_south"], team_id=south, **PROFILE),
            "team": Customer(name="东莞恒通五金制品厂", owner_id=org["sales_south2"], team_id=south, **PROFILE),
            "other": Customer(
                name="杭州优选百货有限公司",
                owner_id=org["sales_east"],
                team_id=east,
                **{**PROFILE, "region": "华东", "industry": "零售"},
            ),
            "pool": Customer(name="中山创新塑胶有限公司", owner_id=None, team_id=south, **PROFILE),
        }
        session.add_all(rows.values())
        session.flush()
        session.add(
            Order(
                customer_id=rows["other"].id,
                owner_id=org["sales_east"],
                status="approved",
                requested_date=company_today() - timedelta(days=20),
                total=Decimal("12000.00"),
                created_at=utcnow() - timedelta(days=30),
            )
        )
        return CustomerSet(**{key: row.id for key, row in rows.items()})
