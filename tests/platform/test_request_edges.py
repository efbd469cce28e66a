"""What every page shares around the request itself: the site icon browsers ask for, and a
client that goes away mid-request (an aborted HTMX request) ending quietly, not as an error."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from tests.notifications.test_notifications import page_login
from tests.support.org import OrgFixture


async def test_the_site_icon_is_served_and_linked(anonymous: httpx.AsyncClient) -> None:
    icon = await anonymous.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/x-icon" and icon.content[:4] == b"\x00\x00\x01\x00"
    login = await anonymous.get("/login")
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in login.text
    svg = await anonymous.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.text.startswith("<svg")


async def _aborted(app: Any, cookies: httpx.Cookies, token: str, path: str, content_type: str) -> list[dict[str, Any]]:
    """Send the request's headers, then hang up before its body: what a browser does when a
    person navigates away while an HTMX form post is still on its way."""
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "server": ("baton.test", 80),
        "client": ("127.0.0.1", 50000),
        "headers": [
            (b"host", b"baton.test"),
            (b"cookie", cookie.encode()),
            (b"hx-request", b"true"),
            (b"x-csrf-token", token.encode()),
            (b"content-type", content_type.encode()),
            (b"content-length", b"4000"),
        ],
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)  # an unhandled error would be raised again here
    return sent


@pytest.mark.parametrize("path", ["/commission/plan", "/tasks/order-1:r1-manager/complete"])
async def test_a_client_that_hangs_up_mid_request_is_not_an_error(
    app: Any, anonymous: httpx.AsyncClient, org: OrgFixture, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    token = await page_login(anonymous, "finance")
    with caplog.at_level(logging.INFO):
        sent = await _aborted(app, anonymous.cookies, token, path, "application/x-www-form-urlencoded")
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 499
    noisy = [record for record in caplog.records if record.levelno >= logging.WARNING or record.exc_info]
    assert noisy == [], [record.getMessage() for record in noisy]
