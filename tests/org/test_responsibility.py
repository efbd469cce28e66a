"""Who is responsible, in a company shaped like real ones (tests/support/second_company.py): the
team's department follows its manager's head, each person's manager and department head come
from their own chain (never "the first head the company has"), escalation climbs from whoever
the task belongs to, and where the organisation names nobody the answer says so."""

from __future__ import annotations

from sqlalchemy import select

from schemas.alerts import SubjectType
from schemas.org import EmployeeStatus
from store.db import Database
from store.models import Customer, Department, Employee, Task, Team
from store.repo.org import responsibility as who
from tests.support.org import PASSWORD, OrgFixture
from tests.support.second_company import SecondCompany


def person(session, company: OrgFixture, username: str) -> Employee:  # type: ignore[no-untyped-def]
    found = session.get(Employee, company[username])
    assert found is not None
    return found  # type: ignore[no-any-return]


def team(session, company: OrgFixture, key: str) -> Team:  # type: ignore[no-untyped-def]
    found = session.get(Team, company.team_ids[key])
    assert found is not None
    return found  # type: ignore[no-any-return]


async def test_a_team_created_without_a_department_joins_the_department_its_managers_head_leads(
    second_api, db: Database, second_company: SecondCompany
) -> None:  # type: ignore[no-untyped-def]
    company = second_company
    with db.session() as session:
        department = {key: team(session, company, key).department_id for key in company.team_ids}
        heads = {
            key: session.get(Department, value).head_id if value else None  # type: ignore[union-attr]
            for key, value in department.items()
        }
    assert department["s1"] == department["s2"] and department["s1"] != department["n1"]
    assert heads == {
        "s1": company["head_south"],
        "s2": company["head_south"],
        "n1": company["head_north"],
        "w": None,
    }, "two departments, each its own head; a manager nobody manages has none"

    admin = await second_api("admin")
    new_manager = await admin.post(
        "/api/employees",
        json={
            "username": "mgr_n2",
            "name": "袁野",
            "password": PASSWORD,
            "roles": ["sales_manager"],
            "manager_id": company["head_north"],
        },
    )
    created = await admin.post(
        "/api/teams",
        json={"name": "东北工业组", "region": "东北", "industry": "工业", "manager_id": new_manager.json()["id"]},
    )
    assert created.status_code == 201, created.text
    assert created.json()["department_id"] == department["n1"], "the department 魏强 leads"

    head_west = await admin.post(
        "/api/employees",
        json={"username": "head_west", "name": "秦岚", "password": PASSWORD, "roles": ["department_head"]},
    )
    west_manager = await admin.post(
        "/api/employees",
        json={
            "username": "mgr_w2",
            "name": "牛犇",
            "password": PASSWORD,
            "roles": ["sales_manager"],
            "manager_id": head_west.json()["id"],
        },
    )
    west = await admin.post(
        "/api/teams",
        json={"name": "西北工业组", "region": "西北", "industry": "工业", "manager_id": west_manager.json()["id"]},
    )
    with db.session() as session:
        new_department = session.get(Department, west.json()["department_id"])
        assert new_department is not None and new_department.head_id == head_west.json()["id"], (
            "a head who leads no department yet gets one, named after her"
        )
        assert new_department.name == "秦岚"


def test_a_team_follows_its_manager_to_another_department(db: Database, second_company: SecondCompany) -> None:
    company = second_company
    with db.session() as session:
        west, south_two = team(session, company, "w"), team(session, company, "s2")
        assert who.head_of_team(session, west) is None and who.department_of_team(session, west) is None
        person(session, company, "mgr_w").manager_id = company["head_south"]  # 唐军 now reports to 韩雪
        assert who.head_of_team(session, west) == company["head_south"]
        assert who.department_of_team(session, west) == who.department_of_team(session, team(session, company, "s1"))
        assert who.department_head_of(session, person(session, company, "w1")) == company["head_south"]

        south_two.manager_id = company["mgr_n1"]  # the second 华南 team moves under 蒋丽, in the north
        assert who.head_of_team(session, south_two) == company["head_north"]
        assert who.department_head_of(session, person(session, company, "s2a")) == company["head_north"]
        who.settle_department(session, south_two)
        assert south_two.department_id == team(session, company, "n1").department_id


def test_each_person_gets_their_own_manager_and_head(db: Database, second_company: SecondCompany) -> None:
    company = second_company
    expected = {  # username: (manager, department head, order's manager step, order's head step)
        "s1a": ("mgr_s1", "head_south", "mgr_s1", "head_south"),
        "s2a": ("mgr_s2", "head_south", "mgr_s2", "head_south"),
        "mgr_s2": ("head_south", "head_south", "head_south", None),  # sells; nobody above 韩雪
        "n1a": ("mgr_n1", "head_north", "mgr_n1", "head_north"),  # 蒋丽 away: her tasks are delegated, not her role
        "solo": ("head_north", "head_north", "head_north", "gm"),  # no team: the head approves once
        "stray": (None, None, None, None),  # nobody at all: the role queues take it
        "w1": ("mgr_w", None, "mgr_w", None),
        "mgr_w": (None, None, None, None),
        "head_north": ("gm", "gm", "gm", None),
        "head_south": (None, None, None, None),
    }
    with db.session() as session:
        for username, names in expected.items():
            employee = person(session, company, username)
            found = (
                who.manager_of(session, employee),
                who.department_head_of(session, employee),
                *who.order_approvers(session, employee),
            )
            assert found == tuple(company[name] if name else None for name in names), username


def test_escalation_climbs_from_whoever_the_task_belongs_to(db: Database, second_company: SecondCompany) -> None:
    company = second_company

    def chain(**task: object) -> list[str]:
        names = {value: key for key, value in company.ids.items()}
        with db.session() as session:
            return [names[p] for p in who.escalation_chain(session, Task(**task))]

    assert chain(assignee_id=company["s1a"]) == ["mgr_s1", "head_south"]
    assert chain(assignee_id=company["n1b"], delegated_from_id=company["mgr_n1"]) == ["head_north", "gm"], (
        "a task delegated while 蒋丽 is away climbs her chain, not her deputy's"
    )
    assert chain(assignee_id=company["head_north"]) == ["gm"]
    assert chain(assignee_id=company["head_south"]) == [], "nobody above 韩雪: no escalation"
    assert chain(assignee_id=company["mgr_w"]) == [] and chain(assignee_id=company["stray"]) == []
    assert chain(assignee_id=company["mgr_s2"], context={"excluded_actor_ids": [company["head_south"]]}) == []
    assert chain(candidate_role="sales", candidate_team_id=company.team_ids["s1"]) == ["mgr_s1", "head_south"]
    assert chain(candidate_role="finance") == []


def test_a_manager_nobody_manages_escalates_to_the_head_recorded_for_the_department(
    db: Database, org: OrgFixture
) -> None:
    with db.session() as session:
        manager = person(session, org, "manager_south")
        manager.manager_id = None
        assert who.manager_of(session, manager) is None
        assert who.department_head_of(session, manager) == org["head"], "Department.head_id when the chain has none"
        assert who.escalation_chain(session, Task(assignee_id=manager.id)) == [org["head"]]
        seller = Task(assignee_id=org["sales_south"])
        assert who.escalation_chain(session, seller) == [org["manager_south"], org["head"]]
        assert org["head"] in who.managers_of(session, person(session, org, "sales_south"))


def test_someone_who_left_is_passed_over_for_the_next_one_up(db: Database, second_company: SecondCompany) -> None:
    company = second_company
    with db.session() as session:
        person(session, company, "mgr_s1").status = EmployeeStatus.departed
        seller = person(session, company, "s1a")
        assert who.manager_of(session, seller) == company["head_south"]
        assert who.team_reviewer(session, team(session, company, "s1")) == company["head_south"]
        assert who.chain_above(session, seller) == [company["head_south"]]


def test_a_customer_belongs_to_its_owners_team_and_a_pool_lead_to_the_team_the_rules_gave_it(
    db: Database, second_company: SecondCompany
) -> None:
    company = second_company
    with db.session() as session:
        owned = session.get(Customer, company.customers["s2a"])
        assert owned is not None
        owned.team_id = company.team_ids["s1"]  # a stale team on the record
        assert who.team_of_customer(session, owned) == company.team_ids["s2"]
        pool = session.get(Customer, company.customers["pool_northeast"])
        assert pool is not None and who.team_of_customer(session, pool) == pool.team_id


def test_an_alert_is_followed_up_by_the_manager_of_the_person_it_is_about(
    db: Database, second_company: SecondCompany
) -> None:
    company = second_company
    customer, employee = SubjectType.customer, SubjectType.employee
    with db.session() as session:
        pool = session.get(Customer, company.customers["pool_south"])
        assert pool is not None and pool.team_id is not None
        pool_manager = session.scalar(select(Team.manager_id).where(Team.id == pool.team_id))
        cases = {
            (employee, company["s1a"]): (company.team_ids["s1"], company["mgr_s1"]),
            (employee, company["mgr_s2"]): (company.team_ids["s2"], company["head_south"]),
            (customer, company.customers["mgr_s2"]): (company.team_ids["s2"], company["head_south"]),
            (customer, company.customers["n1b"]): (company.team_ids["n1"], company["mgr_n1"]),
            (customer, company.customers["solo"]): (None, company["head_north"]),
            (customer, company.customers["pool_south"]): (pool.team_id, pool_manager),
            (employee, company["mgr_w"]): (company.team_ids["w"], None),
            (employee, company["stray"]): (None, None),
        }
        for (kind, subject), answer in cases.items():
            assert who.alert_follow_up(session, kind, subject) == answer, (kind, subject)


async def test_a_person_s_record_is_open_to_their_own_managers_not_the_other_department(
    second_api, second_company: SecondCompany
) -> None:  # type: ignore[no-untyped-def]
    for username, status in (("mgr_s1", 200), ("head_south", 200), ("head_north", 404), ("mgr_s2", 404)):
        response = await (await second_api(username)).get(f"/api/employees/{second_company['s1a']}")
        assert response.status_code == status, username
