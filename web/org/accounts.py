"""The login page, logout and the language switch."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from schemas.kernel import i18n
from schemas.kernel.errors import BatonError
from store.repo.audit import chain as audit
from store.repo.org import auth as auth_repo
from store.repo.org import records as org
from web.org.login import authenticate, client_address
from web.shared.auth import SESSION_COOKIE, get_db, get_settings, session_principal
from web.shared.csrf import verify_csrf
from web.shared.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])

LANG_COOKIE = "baton_lang"


def _safe_next(target: str | None) -> str:
    """Only same-site paths; anything else lands on the home page (no open redirect)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    if session_principal(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next), "username": ""})


@router.post("/login")
def login_submit(
    request: Request,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    settings = get_settings(request)
    try:
        with get_db(request).session() as session:
            employee = authenticate(session, settings, username, password, client=client_address(request))
            token, _row = auth_repo.issue_token(session, employee.id, "session", timedelta(days=settings.session_days))
            language = employee.language
    except BatonError as exc:
        context = {"next": _safe_next(next), "username": username, "error": i18n.gettext_(exc.message)}
        return render(request, "login.html", context, status_code=exc.status)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )
    if language:
        response.set_cookie(LANG_COOKIE, language, max_age=365 * 86400, samesite="lax")
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with get_db(request).session() as session:
            found = auth_repo.resolve_token(session, token, "session")
            auth_repo.revoke_token(session, token)
            if found is not None:
                audit.record(
                    session,
                    actor_id=found[1].id,
                    action="account.logout",
                    entity="account",
                    entity_id=found[1].username,
                    detail={"channel": "page"},
                )
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/language")
def switch_language(request: Request, language: Annotated[str, Form()], back: Annotated[str, Form()] = "/") -> Response:
    chosen = i18n.normalise_language(language) or i18n.DEFAULT_LANGUAGE
    principal = session_principal(request)
    if principal is not None:
        with get_db(request).session() as session:
            org.set_language(session, principal.id, chosen)
    response = RedirectResponse(_safe_next(back), status_code=303)
    response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 86400, samesite="lax")
    return response
