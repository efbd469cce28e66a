"""Per-request language, the login form's CSRF cookie, safety headers and the ``HX-Trigger`` of
counts an action changed (web/shared/counters.py), as plain ASGI.

A plain ASGI middleware (rather than Starlette's ``BaseHTTPMiddleware``) runs the endpoint in the
same task, so the language context variable reaches it directly and no response streaming
wrapper is added: it matters on the hot path of a person acting from the inbox.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schemas.kernel import i18n
from schemas.kernel.config import Settings
from web.shared.counters import noting_counts, trigger_header
from web.shared.csrf import CSRF_COOKIE

# Scripts only from Baton itself (no inline script, no eval: HTMX attributes and baton.js do the
# work); inline style attributes stay allowed (HTMX's indicator style, server-drawn charts). No
# framing by other sites, no plugins, forms post only to Baton.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "content-security-policy": CONTENT_SECURITY_POLICY,
}


class RequestContext:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]}
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is treated as no cookies
            cookies = SimpleCookie()
        language = (
            i18n.normalise_language(cookies["baton_lang"].value if "baton_lang" in cookies else None)
            or i18n.negotiate(headers.get("accept-language"))
            or self.settings.default_language
        )
        has_csrf_cookie = CSRF_COOKIE in cookies
        state = scope.setdefault("state", {})
        noted: list[str] = []  # the counts this request changed (web/shared/counters.py)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in response_headers:
                        response_headers[name] = value
                if noted:  # counts this request changed: the badges refresh now
                    response_headers["hx-trigger"] = trigger_header(response_headers.get("hx-trigger"), noted)
                new_cookie = state.get("new_csrf_cookie")
                if new_cookie and not has_csrf_cookie:
                    secure = "; Secure" if self.settings.secure_cookies else ""
                    response_headers.append(
                        "set-cookie", f"{CSRF_COOKIE}={new_cookie}; HttpOnly; Path=/; SameSite=lax{secure}"
                    )
            await send(message)

        token = i18n.current_language.set(language)
        try:
            with noting_counts(noted):
                await self.app(scope, receive, send_with_headers)
        finally:
            i18n.current_language.reset(token)
