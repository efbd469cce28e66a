"""Teams, employees and company settings over the JSON API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from schemas.kernel.errors import NotFound
from schemas.org import EmployeeIn, EmployeeOut, Role, SettingIn, TeamIn, TeamOut
from store.repo.org import records as org
from store.repo.org import settings as company_settings
from web.shared.auth import ApiUser, Principal, can_see_employee, get_db, require_roles
from web.shared.paths import RecordId

router = APIRouter(prefix="/api", tags=["organisation"])

HrOrAdmin = Annotated[Principal, Depends(require_roles(Role.admin, Role.hr))]
Admin = Annotated[Principal, Depends(require_roles(Role.admin))]


@router.post("/teams", status_code=201, response_model=TeamOut)
def create_team(body: TeamIn, request: Request, user: HrOrAdmin) -> TeamOut:
    with get_db(request).session() as session:
        team = org.create_team(
            session,
            actor_id=user.id,
            name=body.name,
            region=body.region,
            industry=body.industry,
            manager_id=body.manager_id,
        )
        return TeamOut.model_validate(team, from_attributes=True)


@router.post("/employees", status_code=201, response_model=EmployeeOut)
def create_employee(body: EmployeeIn, request: Request, user: HrOrAdmin) -> EmployeeOut:
    with get_db(request).session() as session:
        employee = org.create_employee(
            session,
            actor_id=user.id,
            username=body.username,
            name=body.name,
            password=body.password,
            roles=[role.value for role in body.roles],
            team_id=body.team_id,
            manager_id=body.manager_id,
            email=body.email,
        )
        return EmployeeOut.model_validate(employee, from_attributes=True)


@router.get("/employees/{employee_id}", response_model=EmployeeOut)
def get_employee(employee_id: RecordId, request: Request, user: ApiUser) -> EmployeeOut:
    with get_db(request).session() as session:
        employee = org.get_employee(session, employee_id)
        if employee is None or not can_see_employee(session, user, employee):
            raise NotFound()
        return EmployeeOut.model_validate(employee, from_attributes=True)


@router.get("/settings")
def list_settings(request: Request, user: Admin) -> dict[str, str]:
    """Every company setting an admin may change, with the value in force."""
    with get_db(request).session() as session:
        return company_settings.current(session)


@router.put(
    "/settings/{key}",
    responses={404: {"description": "No such setting"}, 422: {"description": "The value does not fit the setting"}},
)
def put_setting(key: str, body: SettingIn, request: Request, user: Admin) -> dict[str, object]:
    with get_db(request).session() as session:
        value = company_settings.change(session, actor_id=user.id, key=key, value=body.value)
    return {"key": key, "value": value}
