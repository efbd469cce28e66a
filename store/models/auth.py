"""Login state: opaque tokens (page sessions and API bearer tokens) and failed-login records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base, UTCDateTime, utcnow


class AuthToken(Base):
    """Only the SHA-256 of a token is stored; a stolen table grants nothing."""

    __tablename__ = "auth_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "session" (cookie) or "api" (bearer)
    csrf_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LoginFailure(Base):
    """One failed login, with the client address it came from; counted over a sliding window per
    username and client, and per client, to throttle guessing without locking anyone else out."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_user_time", "username", "at"),
        Index("ix_login_failures_client_time", "client", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64), default="", server_default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
