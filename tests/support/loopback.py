"""Real servers on loopback for the outside channels: an SMTP server (aiosmtpd) that keeps what it
receives in memory, and a stand-in for the WeCom group-robot webhook.

The robot is a deliberately tiny HTTP/1.1 server on ``asyncio.start_server``: one request per
connection, a Content-Length body, a JSON answer. Enough for httpx, and nothing to install.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

WECOM_OK = {"errcode": 0, "errmsg": "ok"}


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


class SmtpRecorder:
    """aiosmtpd handler keeping every message; ``refuse`` lists recipients answered with 550."""

    def __init__(self) -> None:
        self.received: list[ReceivedMail] = []
        self.refuse: set[str] = set()
        self.server: asyncio.Server | None = None
        self.port = 0

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = BytesParser(policy=policy.default).parsebytes(raw if isinstance(raw, bytes) else raw.encode())
        assert isinstance(parsed, EmailMessage)
        self.received.append(ReceivedMail(str(envelope.mail_from), list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    async def start(self) -> int:
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(lambda: SMTP(self, enable_SMTPUTF8=True), "127.0.0.1", 0)
        self.port = int(self.server.sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()


@dataclass
class RobotRequest:
    method: str
    target: str
    headers: dict[str, str]
    body: Any


@dataclass
class WeComRobot:
    """Answers each POST with the next of ``answers`` (then ``WECOM_OK``), as (status, JSON)."""

    answers: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    requests: list[RobotRequest] = field(default_factory=list)
    server: asyncio.Server | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send?key=test-robot-key"

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = int(self.server.sockets[0].getsockname()[1])
        return self.url

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *header_lines = head.decode("latin-1").split("\r\n")
            method, target, _version = request_line.split(" ", 2)
            headers = {}
            for line in header_lines:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            raw = await reader.readexactly(int(headers.get("content-length", "0")))
            self.requests.append(RobotRequest(method, target, headers, json.loads(raw) if raw else None))
            status, answer = self.answers.pop(0) if self.answers else (200, WECOM_OK)
            payload = json.dumps(answer).encode()
            writer.write(
                f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}"
                f"\r\nConnection: close\r\n\r\n".encode()
                + payload
            )
            await writer.drain()
        finally:
            writer.close()
