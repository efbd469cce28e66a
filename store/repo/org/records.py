"""Teams, employees and company settings: every query about the organisation lives here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from schemas import role_grants
from schemas.kernel.errors import Forbidden, InvalidInput, NotFound, UsernameTaken
from schemas.org import EmployeeStatus
from store.models import Employee, Setting, Team
from store.passwords import hash_password
from store.repo.audit import chain as audit
from store.repo.org import responsibility
from store.repo.shared.text_match import contains_any

DEFAULT_SETTINGS: dict[str, Any] = {"order.head_threshold": "100000", "pool.daily_claims": "10"}


def get_employee(session: Session, employee_id: int) -> Employee | None:
    return session.get(Employee, employee_id)


def set_language(session: Session, employee_id: int, language: str) -> None:
    """The language a person chose for Baton, kept for their next login."""
    employee = session.get(Employee, employee_id)
    if employee is not None:
        employee.language = language


def employee_by_username(session: Session, username: str) -> Employee | None:
    return session.scalars(select(Employee).where(Employee.username == username)).first()


def count_employees(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Employee)) or 0


def create_team(
    session: Session, *, actor_id: int | None, name: str, region: str, industry: str, manager_id: int | None
) -> Team:
    """A new team; its manager joins it when they have no team yet, and it belongs to the
    department its manager's head leads (``responsibility.settle_department``)."""
    if session.scalars(select(Team).where(Team.name == name)).first():
        raise InvalidInput(details=[{"field": "name", "code": "taken", "message": "A team with this name exists."}])
    manager = None
    if manager_id is not None:
        manager = session.get(Employee, manager_id)
        if manager is None:
            raise InvalidInput(details=[{"field": "manager_id", "code": "unknown", "message": "No such employee."}])
    team = Team(name=name, region=region, industry=industry, manager_id=manager_id)
    session.add(team)
    session.flush()
    if manager is not None and manager.team_id is None:
        manager.team_id = team.id
    responsibility.settle_department(session, team)
    audit.record(
        session,
        actor_id=actor_id,
        action="team.created",
        entity="team",
        entity_id=team.id,
        detail={"name": name, "manager_id": manager_id, "department_id": team.department_id},
    )
    return team


def create_employee(
    session: Session,
    *,
    actor_id: int | None,
    username: str,
    name: str,
    password: str,
    roles: list[str],
    team_id: int | None,
    manager_id: int | None,
    email: str | None = None,
) -> Employee:
    if username_taken(session, username):
        raise UsernameTaken()
    _check_grants(session, actor_id, roles)
    problems = []
    if team_id is not None and session.get(Team, team_id) is None:
        problems.append({"field": "team_id", "code": "unknown", "message": "No such team."})
    if manager_id is not None and session.get(Employee, manager_id) is None:
        problems.append({"field": "manager_id", "code": "unknown", "message": "No such employee."})
    if problems:
        raise InvalidInput(details=problems)
    employee = Employee(
        username=username,
        name=name,
        password_hash=hash_password(password),
        roles=sorted(set(roles)),
        team_id=team_id,
        manager_id=manager_id,
        email=email,
        status=EmployeeStatus.active,
        order_freeze=False,
    )
    session.add(employee)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="employee.created",
        entity="employee",
        entity_id=employee.id,
        detail={"username": username, "roles": employee.roles},
    )
    return employee


def username_taken(session: Session, username: str) -> bool:
    """Usernames are unique regardless of case: "Admin" beside "admin" would be a trap."""
    return session.scalar(select(Employee.id).where(func.lower(Employee.username) == username.lower())) is not None


def _check_grants(session: Session, actor_id: int | None, roles: list[str]) -> None:
    """Only admin grants admin; no one holds roles that break separation of duties."""
    if actor_id is not None:
        granter = session.get(Employee, actor_id)
        refused = role_grants.refused_grants(granter.roles or [] if granter else [], roles)
        if refused:
            raise Forbidden(
                role_grants.GRANT_MESSAGE,
                details=[
                    {"field": "roles", "code": "grant_not_allowed", "role": role, "message": role_grants.GRANT_MESSAGE}
                    for role in refused
                ],
            )
    pairs = role_grants.conflicting_pairs(roles)
    if pairs:
        raise InvalidInput(
            details=[
                {
                    "field": "roles",
                    "code": "conflicting_roles",
                    "roles": [role, other],
                    "message": role_grants.CONFLICT_MESSAGE,
                }
                for role, other in pairs
            ]
        )


def require_employee(session: Session, employee_id: int) -> Employee:
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise NotFound()
    return employee


def get_setting(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    return row.value if row is not None else DEFAULT_SETTINGS.get(key)


def put_setting(session: Session, *, actor_id: int | None, key: str, value: Any) -> Setting:
    row = session.get(Setting, key)
    before = row.value if row is not None else DEFAULT_SETTINGS.get(key)
    if row is None:
        row = Setting(key=key, value=value, updated_by=actor_id)
        session.add(row)
    else:
        row.value = value
        row.updated_by = actor_id
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="setting.changed",
        entity="setting",
        entity_id=key,
        detail={"before": before, "after": value},
    )
    return row


def list_employees(
    session: Session,
    *,
    q: str | None = None,
    status: str | None = None,
    team_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Employee], int]:
    """People for the HR/admin directory, filtered and paged on the server."""
    conditions: list[ColumnElement[bool]] = []
    if q:
        conditions.append(contains_any(q, Employee.name, Employee.username))
    if status:
        conditions.append(Employee.status == status)
    if team_id is not None:
        conditions.append(Employee.team_id == team_id)
    total = session.scalar(select(func.count()).select_from(Employee).where(*conditions)) or 0
    query = (
        select(Employee)
        .where(*conditions)
        .order_by(Employee.team_id.is_(None), Employee.team_id, Employee.name)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query)), total


def all_teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.name)))
