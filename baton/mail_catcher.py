"""The dev mail catcher: an SMTP server that keeps every message as a ``.eml`` file.

``baton dev`` runs it (``python -m baton mail-catcher``) when e-mail points at it, so the whole
notification path — SMTP included — runs locally without an account anywhere, and the dev
mailbox page (``/dev/mailbox``) shows what people would have received. It accepts mail for any
address, relays nothing and listens on loopback only.

Each message is written to a temporary name and renamed into ``<data_dir>/mailbox/``, so a reader
never sees half a file. The envelope (which may differ from the headers: Bcc) is kept in
``X-Catcher-*`` headers in front of the message as received.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session

from schemas.kernel.notify_settings import MAIL_CATCHER_HOST

log = logging.getLogger("baton.mail_catcher")


class MailboxHandler:
    """aiosmtpd handler: every DATA command becomes one file in the mailbox."""

    def __init__(self, mailbox: Path) -> None:
        self.mailbox = mailbox
        self.mailbox.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        if isinstance(content, str):
            content = content.encode("utf-8")
        envelope_headers = (
            f"X-Catcher-Mail-From: {envelope.mail_from or ''}\r\nX-Catcher-Rcpt-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        self.store(envelope_headers + content)
        return "250 Message accepted for delivery"

    def store(self, raw: bytes) -> Path:
        # The name sorts by arrival time; the random part keeps two messages in one microsecond apart.
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        name = f"{stamp}-{uuid.uuid4().hex[:8]}"
        partial = self.mailbox / f".{name}.part"
        partial.write_bytes(raw)
        final = self.mailbox / f"{name}.eml"
        partial.replace(final)
        return final


async def start_mail_catcher(mailbox: Path, port: int, host: str = MAIL_CATCHER_HOST) -> asyncio.Server:
    """Listen on ``host:port``; the caller owns the returned server (close it to stop)."""
    handler = MailboxHandler(mailbox)
    loop = asyncio.get_running_loop()
    return await loop.create_server(
        lambda: SMTP(handler, hostname="baton-mail-catcher", enable_SMTPUTF8=True), host=host, port=port
    )


async def run_mail_catcher(mailbox: Path, port: int, host: str = MAIL_CATCHER_HOST) -> None:
    """Serve until SIGTERM or SIGINT (Ctrl-C reaches the whole ``baton dev`` process group)."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO
    server = await start_mail_catcher(mailbox, port, host)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info("mail catcher on %s:%s, messages in %s", host, port, mailbox)
    try:
        await stop.wait()
    finally:
        # Not wait_closed(): an idle client connection must not keep the dev stack from stopping.
        server.close()
