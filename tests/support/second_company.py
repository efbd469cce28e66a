"""南岭机电, a second company shaped like real ones, not like the demo: built over the API the way
an admin sets a company up (``POST /api/employees``, ``POST /api/teams`` with no department given,
``POST /api/team-rules``, ``POST /api/customers``).

- Two departments, each with its own head: 南方事业部 under 韩雪 (``head_south``, nobody above
  her) and 北方事业部 under 魏强 (``head_north``, who reports to the general manager 邓志远,
  ``gm``, herself a department head).
- Two teams covering 华南/工业: 华南工业一组 (郑浩) and 华南工业二组, whose manager 冯刚
  (``mgr_s2``) also sells.
- 北方零售组 (蒋丽, ``mgr_n1``) covers 华北, 东北 and 西北 by team rules; 蒋丽 is on leave and
  韩梅 (``n1b``) acts for her.
- 西南工业组 (唐军, ``mgr_w``): a manager nobody manages; no rule covers 西南, the team's own
  territory does; the team belongs to no department.
- 孔亮 (``solo``) sells without a team and reports to 魏强; 白露 (``stray``) has neither team nor
  manager.
- Pool leads (no owner) placed by rules (东北, large 华南) and by a team's own territory; 华东
  has neither rule nor team (孔亮's customer there belongs to no team).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx

from schemas.kernel.config import Settings
from store.db import Database
from store.models import Employee
from store.repo.tasks import delegations
from tests.support.clock import company_today
from tests.support.org import PASSWORD, OrgFixture, password_hash

# username, name, roles, manager (created in this order, managers first)
LEADERS = [
    ("hr", "何敏", ["hr"], None),
    ("finance", "罗芳", ["finance"], None),
    ("gm", "邓志远", ["department_head"], None),
    ("head_north", "魏强", ["department_head"], "gm"),
    ("head_south", "韩雪", ["department_head"], None),
    ("mgr_s1", "郑浩", ["sales_manager"], "head_south"),
    ("mgr_s2", "冯刚", ["sales", "sales_manager"], "head_south"),
    ("mgr_n1", "蒋丽", ["sales_manager"], "head_north"),
    ("mgr_w", "唐军", ["sales_manager"], None),
]
# key, name, region, industry, manager
TEAMS = [
    ("s1", "华南工业一组", "华南", "工业", "mgr_s1"),
    ("s2", "华南工业二组", "华南", "工业", "mgr_s2"),
    ("n1", "北方零售组", "华北", "零售", "mgr_n1"),
    ("w", "西南工业组", "西南", "工业", "mgr_w"),
]
# username, name, team, manager
SELLERS = [
    ("s1a", "吴婷", "s1", "mgr_s1"),
    ("s1b", "林涛", "s1", "mgr_s1"),
    ("s2a", "何静", "s2", "mgr_s2"),
    ("n1a", "沈涛", "n1", "mgr_n1"),
    ("n1b", "韩梅", "n1", "mgr_n1"),
    ("w1", "曹阳", "w", "mgr_w"),
    ("solo", "孔亮", None, "head_north"),
    ("stray", "白露", None, None),
]
# region, industry, size, team, priority: large 华南 industrial accounts to the second team; no rule for 西南 or 华东
RULES = [
    ("华北", "零售", "", "n1", 10),
    ("东北", "零售", "", "n1", 10),
    ("西北", "零售", "", "n1", 10),
    ("华南", "工业", "large", "s2", 10),
    ("华南", "工业", "", "s1", 20),
]
# key, name, region, industry, size, owner (None: a pool lead)
CUSTOMERS = [
    ("s1a", "佛山精工机械有限公司", "华南", "工业", "medium", "s1a"),
    ("s2a", "东莞大铭电子厂", "华南", "工业", "large", "s2a"),
    ("mgr_s2", "深圳宏达自动化设备有限公司", "华南", "工业", "large", "mgr_s2"),
    ("n1a", "天津万家福超市有限公司", "华北", "零售", "medium", "n1a"),
    ("n1b", "沈阳联华百货有限公司", "东北", "零售", "medium", "n1b"),
    ("w1", "成都蓉机设备有限公司", "西南", "工业", "medium", "w1"),
    ("solo", "上海鼎盛百货有限公司", "华东", "零售", "large", "solo"),
    ("stray", "南京白鹭商贸有限公司", "华东", "零售", "small", "stray"),
    ("pool_northeast", "哈尔滨冰城商贸有限公司", "东北", "零售", "small", None),
    ("pool_south", "广州穗丰机电有限公司", "华南", "工业", "medium", None),
    ("pool_southwest", "重庆山城机电有限公司", "西南", "工业", "small", None),
]


@dataclass
class SecondCompany(OrgFixture):
    """People and teams by key, as the first company's fixture, plus the customers."""

    customers: dict[str, int] = field(default_factory=dict)


async def build_second_company(db: Database, settings: Settings) -> SecondCompany:
    """The company, built through the API by its admin; the away notice as /me/away records it."""
    from web.app import create_app

    company = SecondCompany()
    with db.session() as session:  # the one account a fresh install starts with
        admin = Employee(
            username="admin",
            name="管理员",
            password_hash=password_hash(),
            roles=["admin"],
            status="active",
            order_freeze=False,
        )
        session.add(admin)
        session.flush()
        company.ids["admin"] = admin.id
    transport = httpx.ASGITransport(app=create_app(settings, db=db))
    async with httpx.AsyncClient(transport=transport, base_url="http://baton.test") as client:
        login = await client.post("/api/login", json={"username": "admin", "password": PASSWORD})
        assert login.status_code == 200, login.text
        client.headers["Authorization"] = f"Bearer {login.json()['token']}"
        for username, name, roles, manager in LEADERS:
            company.ids[username] = await _created(
                client,
                "/api/employees",
                {
                    "username": username,
                    "name": name,
                    "password": PASSWORD,
                    "roles": roles,
                    "team_id": None,
                    "manager_id": company.ids[manager] if manager else None,
                },
            )
        for key, name, region, industry, manager in TEAMS:
            company.team_ids[key] = await _created(
                client,
                "/api/teams",
                {"name": name, "region": region, "industry": industry, "manager_id": company.ids[manager]},
            )
        for username, name, team, manager in SELLERS:
            company.ids[username] = await _created(
                client,
                "/api/employees",
                {
                    "username": username,
                    "name": name,
                    "password": PASSWORD,
                    "roles": ["sales"],
                    "team_id": company.team_ids[team] if team else None,
                    "manager_id": company.ids[manager] if manager else None,
                },
            )
        for region, industry, size, team, priority in RULES:
            await _created(
                client,
                "/api/team-rules",
                {
                    "region": region,
                    "industry": industry,
                    "size": size or None,
                    "team_id": company.team_ids[team],
                    "priority": priority,
                },
            )
        for key, name, region, industry, size, owner in CUSTOMERS:
            company.customers[key] = await _created(
                client,
                "/api/customers",
                {
                    "name": name,
                    "region": region,
                    "industry": industry,
                    "size": size,
                    "contact_name": "刘经理",
                    "contact_phone": "13900000000",
                    "address": f"{region}某路8号",
                    "credit_limit": "900000",
                    **({"owner_id": company.ids[owner]} if owner else {}),
                },
            )
    with db.session() as session:
        today = company_today()
        delegations.create(
            session,
            employee_id=company["mgr_n1"],
            delegate_id=company["n1b"],
            starts_on=today - timedelta(days=1),
            ends_on=today + timedelta(days=30),
            reason="产假",
            actor_id=company["mgr_n1"],
        )
    return company


async def _created(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> int:
    response = await client.post(path, json=body)
    assert response.status_code == 201, f"{path}: {response.text}"
    created: int = response.json()["id"]
    return created
