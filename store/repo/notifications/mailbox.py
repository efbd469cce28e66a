"""Reading what the dev mail catcher caught, for the dev mailbox page.

Messages are parsed with the standard library's modern e-mail policy, which decodes RFC 2047
headers (``=?utf-8?b?...?=`` Chinese subjects and names) and each part's charset and transfer
encoding, so the page shows the text a person would read, not its wire form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

# A caught message's id is its file name without ``.eml``; nothing else may reach the disk.
MESSAGE_ID = re.compile(r"^[0-9T]{21,}-[0-9a-f]{8}$")
PREVIEW_CHARS = 160


def mailbox_dir(data_dir: Path) -> Path:
    """Where the dev mail catcher keeps each message it receives, as a ``.eml`` file."""
    return data_dir / "mailbox"


@dataclass(frozen=True)
class CaughtMessage:
    id: str
    sender: str
    recipients: str
    subject: str
    received_at: datetime
    body: str

    @property
    def preview(self) -> str:
        flat = " ".join(self.body.split())
        return flat if len(flat) <= PREVIEW_CHARS else flat[:PREVIEW_CHARS] + "…"


def _text_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeDecodeError):  # an unknown or lying charset: show what we can
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _received_at(message: EmailMessage, path: Path) -> datetime:
    try:
        stamp = datetime.strptime(path.stem.split("-", 1)[0], "%Y%m%dT%H%M%S%f")
        return stamp.replace(tzinfo=UTC)
    except ValueError:
        pass
    if message["Date"]:
        try:
            return parsedate_to_datetime(str(message["Date"]))
        except (TypeError, ValueError):
            pass
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def read_message(path: Path) -> CaughtMessage:
    with path.open("rb") as handle:
        parsed = BytesParser(policy=policy.default).parse(handle)
    assert isinstance(parsed, EmailMessage)
    recipients = str(parsed["To"] or parsed["X-Catcher-Rcpt-To"] or "")
    return CaughtMessage(
        id=path.stem,
        sender=str(parsed["From"] or parsed["X-Catcher-Mail-From"] or ""),
        recipients=recipients,
        subject=str(parsed["Subject"] or ""),
        received_at=_received_at(parsed, path),
        body=_text_body(parsed),
    )


def list_messages(mailbox: Path, limit: int = 200) -> list[CaughtMessage]:
    """Newest first. File names start with the arrival time, so sorting names sorts by time."""
    if not mailbox.is_dir():
        return []
    paths = sorted((p for p in mailbox.glob("*.eml") if MESSAGE_ID.match(p.stem)), reverse=True)
    return [read_message(path) for path in paths[:limit]]


def find_message(mailbox: Path, message_id: str) -> CaughtMessage | None:
    if not MESSAGE_ID.match(message_id):
        return None
    path = mailbox / f"{message_id}.eml"
    return read_message(path) if path.is_file() else None


def count_messages(mailbox: Path) -> int:
    return sum(1 for p in mailbox.glob("*.eml") if MESSAGE_ID.match(p.stem)) if mailbox.is_dir() else 0
