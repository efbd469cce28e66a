"""The one authorisation module every route uses.

API calls authenticate with ``Authorization: Bearer <token>`` only (no cookies, so no CSRF on
the API); pages with the ``baton_session`` cookie. Both resolve to a :class:`Principal`.
Roles are checked with :func:`require_roles`; record-level scoping happens in store/ queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from schemas.kernel.config import Settings
from schemas.kernel.errors import Forbidden, NotAuthenticated
from schemas.org import Role
from store.db import Database
from store.models import AuthToken, Employee
from store.repo.customers.visibility import Viewer
from store.repo.org import auth as auth_repo
from store.repo.org.responsibility import managers_of

SESSION_COOKIE = "baton_session"

# The page a person lands on after login, by their most senior role.
ROLE_PRECEDENCE = [Role.admin, Role.department_head, Role.sales_manager, Role.finance, Role.hr, Role.sales]


@dataclass(frozen=True)
class Principal:
    id: int
    username: str
    name: str
    roles: frozenset[str]
    team_id: int | None
    manager_id: int | None
    language: str | None = None
    csrf_token: str | None = None

    def has(self, *roles: Role | str) -> bool:
        return any(str(role) in self.roles for role in roles)

    @property
    def primary_role(self) -> str:
        for role in ROLE_PRECEDENCE:
            if role.value in self.roles:
                return role.value
        return Role.sales.value

    @classmethod
    def of(cls, employee: Employee, token: AuthToken | None = None) -> Principal:
        return cls(
            id=employee.id,
            username=employee.username,
            name=employee.name,
            roles=frozenset(employee.roles or []),
            team_id=employee.team_id,
            manager_id=employee.manager_id,
            language=employee.language,
            csrf_token=token.csrf_token if token else None,
        )


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def api_principal(request: Request) -> Principal:
    token = bearer_token(request)
    if not token:
        raise NotAuthenticated()
    with get_db(request).session() as session:
        found = auth_repo.resolve_token(session, token, "api")
        if found is None:
            raise NotAuthenticated()
        principal = Principal.of(found[1])
    request.state.principal = principal
    return principal


def session_principal(request: Request) -> Principal | None:
    """The logged-in page user, or None. Cached on the request."""
    if hasattr(request.state, "principal"):
        cached: Principal | None = request.state.principal
        return cached
    token = request.cookies.get(SESSION_COOKIE)
    principal = None
    if token:
        with get_db(request).session() as session:
            found = auth_repo.resolve_token(session, token, "session")
            if found is not None:
                principal = Principal.of(found[1], found[0])
    request.state.principal = principal
    return principal


def page_principal(request: Request) -> Principal:
    principal = session_principal(request)
    if principal is None:
        raise NotAuthenticated()
    return principal


ApiUser = Annotated[Principal, Depends(api_principal)]
PageUser = Annotated[Principal, Depends(page_principal)]


def require_roles(*roles: Role, page: bool = False) -> Callable[..., Any]:
    """A dependency that lets through only holders of one of ``roles``."""
    source = page_principal if page else api_principal

    def check(principal: Principal = Depends(source)) -> Principal:
        if not principal.has(*roles):
            raise Forbidden()
        return principal

    return check


def can_see_employee(session: Any, viewer: Principal, employee: Employee) -> bool:
    """Self, their managers (``responsibility.managers_of``), HR and admin may read an employee record."""
    if viewer.id == employee.id or viewer.has(Role.hr, Role.admin):
        return True
    return viewer.id in managers_of(session, employee)


def viewer_of(principal: Principal) -> Viewer:
    """The visibility facts of the caller, for store/repo/customers/visibility.py."""
    return Viewer(id=principal.id, roles=principal.roles, team_id=principal.team_id)
