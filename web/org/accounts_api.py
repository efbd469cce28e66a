"""Login, logout and the caller's own record over the JSON API."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request

from schemas.org import LoginBody, LoginOut, Role, UserOut
from store.repo.audit import chain as audit
from store.repo.org import auth as auth_repo
from web.org.login import authenticate, client_address
from web.shared.auth import ApiUser, bearer_token, get_db, get_settings

router = APIRouter(prefix="/api", tags=["accounts"])


@router.post("/login", response_model=LoginOut)
def login(body: LoginBody, request: Request) -> LoginOut:
    settings = get_settings(request)
    with get_db(request).session() as session:
        employee = authenticate(
            session, settings, body.username, body.password, channel="api", client=client_address(request)
        )
        token, _row = auth_repo.issue_token(session, employee.id, "api", timedelta(days=settings.token_days))
        return LoginOut(
            token=token,
            user=UserOut(
                id=employee.id,
                username=employee.username,
                name=employee.name,
                roles=[Role(r) for r in sorted(employee.roles)],
            ),
        )


@router.post("/logout", status_code=204)
def logout(request: Request, user: ApiUser) -> None:
    token = bearer_token(request)
    if token:
        with get_db(request).session() as session:
            auth_repo.revoke_token(session, token)
            audit.record(
                session,
                actor_id=user.id,
                action="account.logout",
                entity="account",
                entity_id=user.username,
                detail={"channel": "api"},
            )


@router.get("/me", response_model=UserOut)
def me(user: ApiUser) -> UserOut:
    return UserOut(id=user.id, username=user.username, name=user.name, roles=[Role(r) for r in sorted(user.roles)])
