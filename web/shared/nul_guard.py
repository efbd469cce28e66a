"""Text with a NUL character is refused before it reaches a form or model.

PostgreSQL cannot store NUL in text at all (the insert fails with a 500) and SQLite stores it
silently, so the same record would behave differently on each. No field of Baton has a use for it,
so a JSON body, a form body or a query string carrying one is answered 422 once, here, for every
route. File uploads (multipart) carry binary data and are left to the upload checks.
"""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schemas.kernel.errors import N_
from schemas.kernel.i18n import gettext_

ENCODED_NUL = re.compile(rb"\x00|%00")  # query strings and form bodies (percent-encoded)
JSON_NUL = re.compile(rb"\x00|\\u0000", re.IGNORECASE)  # JSON's escape for it
CHECKED_TYPES = {b"application/json": JSON_NUL, b"application/x-www-form-urlencoded": ENCODED_NUL}
MESSAGE = N_("Text may not contain the NUL character.")


def _refusal() -> Message:
    body = {
        "error": {
            "code": "invalid_input",
            "message": gettext_(N_("Some fields are not valid.")),
            "details": [{"field": "body", "code": "nul_character", "message": gettext_(MESSAGE)}],
        }
    }
    return {"type": "http.response.body", "body": json.dumps(body, ensure_ascii=False).encode("utf-8")}


async def _refuse(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [(b"content-type", b"application/json; charset=utf-8")],
        }
    )
    await send(_refusal())


class RefuseNul:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if ENCODED_NUL.search(scope.get("query_string", b"")):
            await _refuse(send)
            return
        content_type = dict(scope.get("headers", [])).get(b"content-type", b"").split(b";")[0].strip().lower()
        pattern = CHECKED_TYPES.get(content_type)
        if pattern is None:
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        if pattern.search(body):
            await _refuse(send)
            return
        replay = iter(messages)

        async def replayed() -> Message:
            try:
                return next(replay)
            except StopIteration:
                return await receive()

        await self.app(scope, replayed, send)
