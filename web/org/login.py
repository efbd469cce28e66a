"""Checking a username and password, shared by the login page and ``POST /api/login``.

Failures are throttled per username *and client address*: after ``login_max_failures`` within
the window, that client's attempts at that account answer 429, right password or not, until the
window passes. A client that guesses across many accounts is throttled as a whole after
``CLIENT_FACTOR`` times as many failures. Someone guessing the admin's password from one address
therefore never locks the real admin out from another: a client that has not failed is always
heard. Unknown users, wrong passwords and departed employees all get the same 401.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request

from schemas.kernel.config import Settings
from schemas.kernel.errors import InvalidCredentials, TooManyAttempts
from schemas.org import EmployeeStatus
from store.db import Session
from store.models import Employee
from store.passwords import verify_password
from store.repo.audit import chain as audit
from store.repo.org import auth as auth_repo
from store.repo.org.records import employee_by_username

CLIENT_FACTOR = 5


def throttled(session: Session, settings: Settings, username: str, client: str) -> bool:
    """Whether this client must wait before trying this account again."""
    window = timedelta(minutes=settings.login_window_minutes)
    limit = settings.login_max_failures
    return (
        auth_repo.recent_failures(session, window, username=username, client=client) >= limit
        or auth_repo.recent_failures(session, window, client=client) >= limit * CLIENT_FACTOR
    )


def authenticate(
    session: Session, settings: Settings, username: str, password: str, channel: str = "page", client: str = ""
) -> Employee:
    """The employee behind the credentials; every success and failure is in the audit log
    (``channel``: ``page`` or ``api``), a failure with why, which only HR and admin read."""
    username = username.strip()
    if throttled(session, settings, username, client):
        audit.record(
            session,
            actor_id=None,
            action="account.login_throttled",
            entity="account",
            entity_id=username[:64],
            detail={"channel": channel, "client": client},
        )
        session.commit()
        raise TooManyAttempts()
    employee = employee_by_username(session, username)
    valid = verify_password(employee.password_hash if employee else None, password)
    if employee is None or not valid or employee.status == EmployeeStatus.departed:
        auth_repo.record_failure(session, username, client)
        reason = "unknown_user" if employee is None else "wrong_password" if not valid else "departed"
        audit.record(
            session,
            actor_id=None,
            action="account.login_failed",
            entity="account",
            entity_id=username[:64],
            detail={"channel": channel, "reason": reason, "client": client},
        )
        session.commit()  # the failure counts even though the request fails
        raise InvalidCredentials()
    auth_repo.clear_failures(session, username, client)
    audit.record(
        session,
        actor_id=employee.id,
        action="account.login",
        entity="account",
        entity_id=employee.username,
        detail={"channel": channel},
    )
    return employee


def client_address(request: Request) -> str:
    """The address a login came from (behind a proxy, uvicorn's proxy headers set it)."""
    return request.client.host if request.client else ""
