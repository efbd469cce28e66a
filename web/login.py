"""Checking a username and password, shared by the login page and ``POST /api/login``.

Failures are throttled per username: after ``login_max_failures`` within the window every
attempt answers 429, right password or not, until the window passes. Unknown users, wrong
passwords and departed employees all get the same 401.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from baton.config import Settings
from schemas.errors import InvalidCredentials, TooManyAttempts
from store.models import Employee
from store.passwords import verify_password
from store.repo import audit
from store.repo import auth as auth_repo
from store.repo.org import employee_by_username


def authenticate(session: Session, settings: Settings, username: str, password: str,
                 channel: str = "page") -> Employee:
    """The employee behind the credentials; every success and failure is in the audit log
    (``channel``: ``page`` or ``api``), a failure with why, which only HR and admin read."""
    username = username.strip()
    window = timedelta(minutes=settings.login_window_minutes)
    if auth_repo.recent_failures(session, username, window) >= settings.login_max_failures:
        raise TooManyAttempts()
    employee = employee_by_username(session, username)
    valid = verify_password(employee.password_hash if employee else None, password)
    if employee is None or not valid or employee.status == "departed":
        auth_repo.record_failure(session, username)
        reason = "unknown_user" if employee is None else "wrong_password" if not valid else "departed"
        audit.record(session, actor_id=None, action="account.login_failed", entity="account",
                     entity_id=username[:64], detail={"channel": channel, "reason": reason})
        session.commit()  # the failure counts even though the request fails
        raise InvalidCredentials()
    auth_repo.clear_failures(session, username)
    audit.record(session, actor_id=employee.id, action="account.login", entity="account",
                 entity_id=employee.username, detail={"channel": channel})
    return employee
