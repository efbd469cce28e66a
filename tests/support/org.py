"""A small, fully linked organisation for tests that need people in roles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from store.db import Database
from store.models import Department, Employee, Team
from store.passwords import hash_password

PASSWORD = "secret-pass-1"
COMPANY_ZONE = ZoneInfo("Asia/Shanghai")  # the company's time zone (temporal-dev.yaml, company.timezone)


def company_today() -> date:
    """Today where the company is: the date people type, which the machine's own may trail by a day."""
    return datetime.now(COMPANY_ZONE).date()


@lru_cache(maxsize=1)
def password_hash() -> str:
    """Hashed once per session: argon2 is slow on purpose, tests make many people."""
    return hash_password(PASSWORD)


@dataclass
class OrgFixture:
    ids: dict[str, int] = field(default_factory=dict)
    team_ids: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, username: str) -> int:
        return self.ids[username]


PEOPLE = [
    # username, name, roles, team, manager
    ("admin", "管理员", ["admin"], None, None),
    ("head", "刘洋", ["department_head"], None, None),
    ("hr", "孙丽", ["hr"], None, None),
    ("finance", "周敏", ["finance"], None, None),
    ("manager_south", "陈杰", ["sales_manager"], "south", "head"),
    ("manager_east", "赵磊", ["sales_manager"], "east", "head"),
    ("sales_south", "张伟", ["sales"], "south", "manager_south"),
    ("sales_south2", "李娜", ["sales"], "south", "manager_south"),
    ("sales_east", "王芳", ["sales"], "east", "manager_east"),
]


def make_org(db: Database) -> OrgFixture:
    fixture = OrgFixture()
    with db.session() as session:
        department = Department(name="销售部")
        session.add(department)
        session.flush()
        for key, name, region, industry in [
            ("south", "华南区工业客户团队", "华南", "工业"),
            ("east", "华东区零售客户团队", "华东", "零售"),
        ]:
            team = Team(name=name, region=region, industry=industry, department_id=department.id)
            session.add(team)
            session.flush()
            fixture.team_ids[key] = team.id
        for username, name, roles, team_key, manager in PEOPLE:
            employee = Employee(
                username=username,
                name=name,
                password_hash=password_hash(),
                roles=roles,
                team_id=fixture.team_ids[team_key] if team_key else None,
                manager_id=fixture.ids[manager] if manager else None,
                status="active",
                order_freeze=False,
            )
            session.add(employee)
            session.flush()
            fixture.ids[username] = employee.id
        department.head_id = fixture.ids["head"]
        for key in ("south", "east"):
            led = session.get(Team, fixture.team_ids[key])
            assert led is not None
            led.manager_id = fixture.ids[f"manager_{key}"]
    return fixture
