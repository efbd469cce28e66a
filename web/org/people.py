"""The people directory for HR and admin: find anyone, see role, team, manager and status,
and add a new colleague (the same rules as ``POST /api/employees``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from schemas.kernel.errors import N_, BatonError, InvalidInput
from schemas.org import EmployeeIn, EmployeeStatus, Role
from store.db import Session
from store.repo.org import records as org
from web.shared.auth import Principal, get_db, require_roles
from web.shared.csrf import verify_csrf
from web.shared.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])
PeopleAdmin = Annotated[Principal, Depends(require_roles(Role.admin, Role.hr, page=True))]
PAGE_SIZE = 30
MANAGING_ROLES = frozenset({Role.sales_manager, Role.department_head, Role.admin, Role.hr, Role.finance})


@router.get("/admin/employees")
def people_page(
    request: Request,
    user: PeopleAdmin,
    q: Annotated[str, Query(max_length=50)] = "",
    status: Annotated[str, Query(pattern="^(|active|offboarding|departed)$")] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    with get_db(request).session() as session:
        context = people_context(session, q, status, page)
    return render(request, "org/people.html", context)


@router.post("/admin/employees")
def add_person(
    request: Request,
    user: PeopleAdmin,
    username: Annotated[str, Form()],
    name: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[str, Form()],
    team_id: Annotated[str, Form()] = "",
    manager_id: Annotated[str, Form()] = "",
) -> Response:
    form = {"username": username, "name": name, "role": role, "team_id": team_id, "manager_id": manager_id}
    try:
        body = _validated(username, name, password, role, team_id, manager_id)
        with get_db(request).session() as session:
            org.create_employee(
                session,
                actor_id=user.id,
                username=body.username,
                name=body.name,
                password=body.password,
                roles=[r.value for r in body.roles],
                team_id=body.team_id,
                manager_id=body.manager_id,
            )
    except BatonError as exc:
        with get_db(request).session() as session:
            context = {**people_context(session, "", "", 1), "error": exc, "form": form}
        return render(request, "org/people.html", context, status_code=exc.status)
    return RedirectResponse(f"/admin/employees?q={username}", status_code=303)


def _validated(username: str, name: str, password: str, role: str, team_id: str, manager_id: str) -> EmployeeIn:
    try:
        return EmployeeIn(
            username=username.strip(),
            name=name.strip(),
            password=password,
            roles=[role],  # type: ignore[list-item]
            team_id=int(team_id) if team_id else None,
            manager_id=int(manager_id) if manager_id else None,
        )
    except (ValidationError, ValueError) as exc:
        problems = (
            [
                {"field": ".".join(str(p) for p in e["loc"]), "code": e["type"], "message": e["msg"]}
                for e in exc.errors()
            ]
            if isinstance(exc, ValidationError)
            else [{"field": "team_id", "code": "invalid", "message": N_("Not a number.")}]
        )
        raise InvalidInput(details=problems) from exc


def people_context(session: Session, q: str, status: str, page: int) -> dict[str, object]:
    """A page of the directory (found by ``q``, in ``status``), the teams, and whom a new
    colleague may report to, with every manager named."""
    people, total = org.list_employees(
        session, q=q or None, status=status or None, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    teams = org.all_teams(session)
    managers = [
        e
        for e in org.list_employees(session, status=EmployeeStatus.active, limit=1000)[0]
        if MANAGING_ROLES & set(e.roles or [])
    ]
    names = {e.id: e.name for e in managers}
    names.update({e.id: e.name for e in people})
    missing = {p.manager_id for p in people if p.manager_id and p.manager_id not in names}
    for manager_id in missing:
        found = org.get_employee(session, manager_id)
        if found is not None:
            names[found.id] = found.name
    return {
        "people": people,
        "total": total,
        "teams": {t.id: t for t in teams},
        "managers": managers,
        "names": names,
        "q": q,
        "status": status,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "roles": [r.value for r in Role],
        "form": {},
    }
