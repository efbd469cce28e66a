"""CSRF protection for every page form post.

Logged-in forms must carry the session's own token; the login form (no session yet) carries
the value of the ``baton_csrf`` cookie (double submit). Forms send it as ``csrf_token``, HTMX
as the ``X-CSRF-Token`` header (set once on <body> with hx-headers). The JSON API takes only
bearer tokens, which a browser never attaches on its own, so it needs no CSRF token.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from schemas.kernel.errors import CsrfFailed
from web.shared.auth import session_principal

CSRF_COOKIE = "baton_csrf"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def expected_token(request: Request) -> str:
    principal = session_principal(request)
    if principal is not None and principal.csrf_token:
        return principal.csrf_token
    cookie = request.cookies.get(CSRF_COOKIE)
    if cookie:
        return cookie
    if not hasattr(request.state, "new_csrf_cookie"):
        request.state.new_csrf_cookie = secrets.token_urlsafe(24)
    token: str = request.state.new_csrf_cookie
    return token


async def verify_csrf(request: Request) -> None:
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get("x-csrf-token")
    if not sent:
        content_type = request.headers.get("content-type", "")
        if "form" in content_type:
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
    principal = await run_in_threadpool(session_principal, request)  # a database read: off the event loop
    expected = principal.csrf_token if principal is not None else request.cookies.get(CSRF_COOKIE)
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise CsrfFailed()
