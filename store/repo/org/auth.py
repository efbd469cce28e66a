"""Login tokens and failed-login throttling, kept in the database so every web process agrees."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from schemas.org import EmployeeStatus
from store.models import AuthToken, Employee, LoginFailure
from store.models.base import utcnow


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, employee_id: int, kind: str, lifetime: timedelta) -> tuple[str, AuthToken]:
    """A new random token; the caller gets the secret once, the table keeps only its hash."""
    token = secrets.token_urlsafe(32)
    row = AuthToken(
        token_hash=_digest(token),
        employee_id=employee_id,
        kind=kind,
        csrf_token=secrets.token_urlsafe(24) if kind == "session" else None,
        expires_at=utcnow() + lifetime,
    )
    session.add(row)
    session.flush()
    return token, row


def resolve_token(session: Session, token: str, kind: str) -> tuple[AuthToken, Employee] | None:
    """The live token and its active employee, or None (unknown, expired, or departed)."""
    row = session.get(AuthToken, _digest(token))
    if row is None or row.kind != kind or row.expires_at <= utcnow():
        return None
    employee = session.get(Employee, row.employee_id)
    if employee is None or employee.status == EmployeeStatus.departed:
        return None
    return row, employee


def revoke_token(session: Session, token: str) -> None:
    session.execute(delete(AuthToken).where(AuthToken.token_hash == _digest(token)))


def revoke_all_for(session: Session, employee_id: int) -> None:
    session.execute(delete(AuthToken).where(AuthToken.employee_id == employee_id))


def recent_failures(
    session: Session, window: timedelta, *, username: str | None = None, client: str | None = None
) -> int:
    """Failed logins within the window, for a username, a client address, or both together."""
    query = select(func.count()).select_from(LoginFailure).where(LoginFailure.at >= utcnow() - window)
    if username is not None:
        query = query.where(LoginFailure.username == username)
    if client is not None:
        query = query.where(LoginFailure.client == client)
    return session.scalar(query) or 0


def record_failure(session: Session, username: str, client: str) -> None:
    session.add(LoginFailure(username=username[:64], client=client[:64]))
    session.flush()


def clear_failures(session: Session, username: str, client: str) -> None:
    """A successful login forgives this client's failures for the account, no one else's."""
    session.execute(delete(LoginFailure).where(LoginFailure.username == username, LoginFailure.client == client))
