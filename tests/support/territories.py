"""An organisation unlike the demo, on top of the small default one (tests/support/org.py):

- two teams covering exactly the same region and industry: 华南/工业 is the default ``south``
  team's and also ``south_b``'s, led by a sales manager who also sells (roles sales +
  sales_manager) with one salesperson;
- a team covering several regions through team rules: ``north`` (华北/工业 by its own territory,
  and 华中 and 西南, any industry, by rules of priority 100); no rule names 华南/工业;
- a salesperson in no team at all.

Every person's password is :data:`tests.support.org.PASSWORD`.
"""

from __future__ import annotations

from dataclasses import dataclass

from store.db import Database
from store.models import Customer, Employee, Team, TeamRule
from tests.support.customers import PROFILE
from tests.support.org import OrgFixture, password_hash

EXTRA_PEOPLE = [
    # username, name, roles, team, manager
    ("manager_south_b", "黄磊", ["sales", "sales_manager"], "south_b", "head"),
    ("sales_south_b", "吴敏", ["sales"], "south_b", "manager_south_b"),
    ("manager_north", "郑强", ["sales_manager"], "north", "head"),
    ("sales_north", "冯涛", ["sales"], "north", "manager_north"),
    ("sales_free", "何静", ["sales"], None, "head"),
]


@dataclass
class Territories:
    org: OrgFixture

    def __getitem__(self, username: str) -> int:
        return self.org[username]

    def team(self, key: str) -> int:
        return self.org.team_ids[key]


def make_territories(db: Database, org: OrgFixture) -> Territories:
    """Add the teams, people and rules above to ``org`` (which then knows them too)."""
    with db.session() as session:
        for key, name, region, industry in [
            ("south_b", "华南区工业二组", "华南", "工业"),
            ("north", "北方工业客户团队", "华北", "工业"),
        ]:
            team = Team(name=name, region=region, industry=industry)
            session.add(team)
            session.flush()
            org.team_ids[key] = team.id
        for username, name, roles, team_key, manager in EXTRA_PEOPLE:
            person = Employee(
                username=username,
                name=name,
                password_hash=password_hash(),
                roles=roles,
                team_id=org.team_ids[team_key] if team_key else None,
                manager_id=org.ids[manager],
                status="active",
                order_freeze=False,
            )
            session.add(person)
            session.flush()
            org.ids[username] = person.id
        for key in ("south_b", "north"):
            led = session.get(Team, org.team_ids[key])
            assert led is not None
            led.manager_id = org.ids[f"manager_{key}"]
        for region in ("华中", "西南"):
            session.add(TeamRule(region=region, team_id=org.team_ids["north"], priority=100))
    return Territories(org)


def add_lead(db: Database, team_id: int | None, name: str, **profile: str) -> int:
    """A customer without an owner in ``team_id``'s pool."""
    with db.session() as session:
        lead = Customer(name=name, owner_id=None, team_id=team_id, **{**PROFILE, **profile})
        session.add(lead)
        session.flush()
        return lead.id
