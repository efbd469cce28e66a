"""Teams and employees: who may create them, who may read them, and what bad input gets."""

from __future__ import annotations

from sqlalchemy import func, select

from store.db import Database
from store.models import AuditEntry, Employee, Setting
from tests.support.org import OrgFixture


async def test_hr_creates_a_team_whose_manager_joins_it(api, org: OrgFixture, db: Database) -> None:  # type: ignore[no-untyped-def]
    hr = await api("hr")
    manager = await hr.post(
        "/api/employees",
        json={
            "username": "qian.feng",
            "name": "钱峰",
            "password": "long-enough-1",
            "roles": ["sales_manager"],
            "team_id": None,
            "manager_id": org["head"],
        },
    )
    assert manager.status_code == 201, manager.text
    assert manager.json()["status"] == "active" and manager.json()["order_freeze"] is False
    team = await hr.post(
        "/api/teams",
        json={"name": "华北区电商客户团队", "region": "华北", "industry": "电商", "manager_id": manager.json()["id"]},
    )
    assert team.status_code == 201
    detail = await hr.get(f"/api/employees/{manager.json()['id']}")
    assert detail.json()["team_id"] == team.json()["id"]
    with db.session() as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {"employee.created", "team.created"} <= actions


async def test_taken_username_is_409(api, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    admin = await api("admin")
    response = await admin.post(
        "/api/employees",
        json={"username": "sales_south", "name": "重名", "password": "long-enough-1", "roles": ["sales"]},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "username_taken"


async def test_unknown_role_is_422_and_nothing_is_created(api, org: OrgFixture, db: Database) -> None:  # type: ignore[no-untyped-def]
    admin = await api("admin")
    with db.session() as session:
        before = session.scalar(select(func.count()).select_from(Employee))
    response = await admin.post(
        "/api/employees",
        json={"username": "new.person", "name": "新人", "password": "long-enough-1", "roles": ["boss"]},
    )
    assert response.status_code == 422
    assert any(d["field"].startswith("roles") for d in response.json()["error"]["details"])
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Employee)) == before


async def test_unknown_team_is_422(api, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    admin = await api("admin")
    response = await admin.post(
        "/api/employees",
        json={
            "username": "new.person",
            "name": "新人",
            "password": "long-enough-1",
            "roles": ["sales"],
            "team_id": 99999,
        },
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "team_id"


async def test_sales_and_managers_cannot_create_people(api, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    body = {"username": "x.y", "name": "某人", "password": "long-enough-1", "roles": ["sales"]}
    for username in ("sales_south", "manager_south", "finance"):
        client = await api(username)
        response = await client.post("/api/employees", json=body)
        assert response.status_code == 403, username
        assert response.json()["error"]["code"] == "forbidden"


async def test_employee_record_is_visible_to_self_managers_hr_and_admin_only(api, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    target = org["sales_south"]
    for username in ("sales_south", "manager_south", "head", "hr", "admin"):
        client = await api(username)
        response = await client.get(f"/api/employees/{target}")
        assert response.status_code == 200, username
        assert response.json()["manager_id"] == org["manager_south"]
    for username in ("sales_south2", "manager_east", "finance"):
        client = await api(username)
        response = await client.get(f"/api/employees/{target}")
        assert response.status_code == 404, username
        missing = await client.get("/api/employees/987654")
        assert response.json() == missing.json(), "hidden and missing look the same"


async def test_only_admin_changes_settings(api, org: OrgFixture, db: Database) -> None:  # type: ignore[no-untyped-def]
    hr = await api("hr")
    assert (await hr.put("/api/settings/order.head_threshold", json={"value": "50000"})).status_code == 403
    admin = await api("admin")
    response = await admin.put("/api/settings/order.head_threshold", json={"value": "50000"})
    assert response.status_code == 200
    with db.session() as session:
        setting = session.get(Setting, "order.head_threshold")
        assert setting is not None and setting.value == "50000"


async def test_only_admin_makes_someone_an_admin(api, org: OrgFixture, db: Database) -> None:  # type: ignore[no-untyped-def]
    hr = await api("hr")
    body = {"username": "boss2", "name": "新管理员", "password": "long-enough-1", "roles": ["admin"]}
    refused = await hr.post("/api/employees", json=body)
    assert refused.status_code == 403
    assert refused.json()["error"]["details"][0]["code"] == "grant_not_allowed"
    with db.session() as session:
        assert session.scalar(select(Employee).where(Employee.username == "boss2")) is None
    admin = await api("admin")
    created = await admin.post("/api/employees", json=body)
    assert created.status_code == 201
    with db.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "employee.created").order_by(AuditEntry.id.desc())
        ).first()
        assert entry is not None and entry.actor_id == org["admin"] and entry.detail["roles"] == ["admin"]


async def test_roles_that_break_separation_of_duties_are_refused(  # type: ignore[no-untyped-def]
    api, org: OrgFixture, db: Database
) -> None:
    admin = await api("admin")
    for roles in (["finance", "sales_manager", "department_head"], ["finance", "sales"], ["finance", "hr"]):
        response = await admin.post(
            "/api/employees", json={"username": "mixed", "name": "混合", "roles": roles, "password": "long-enough-1"}
        )
        assert response.status_code == 422, roles
        assert {d["code"] for d in response.json()["error"]["details"]} == {"conflicting_roles"}
    allowed = await admin.post(
        "/api/employees",
        json={
            "username": "seller.boss",
            "name": "卖货经理",
            "roles": ["sales", "sales_manager"],
            "password": "long-enough-1",
        },
    )
    assert allowed.status_code == 201, "a manager who also sells is an ordinary company's shape"


async def test_a_username_differing_only_in_case_is_taken(api, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    admin = await api("admin")
    response = await admin.post(
        "/api/employees", json={"username": "Admin", "name": "冒充", "roles": ["sales"], "password": "long-enough-1"}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "username_taken"
