"""The first word on a person's action: applied by the process, or abandoned by the web.

The web waits a bounded time for the engine; when it gives up it answers 503 "not recorded".
The process may still receive the action later (a worker that was down comes back, a workflow
task that crashed is retried). Both sides write their word with one insert on the update's id;
the row that exists first decides, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import ActionFence
from store.models.base import utcnow
from store.repo.shared.upsert import insert_if_absent


class Outcome(StrEnum):
    applied = "applied"
    abandoned = "abandoned"


def _settle(session: Session, update_id: str, wanted: Outcome) -> Outcome:
    insert_if_absent(session, ActionFence, {"update_id": update_id, "outcome": wanted.value, "at": utcnow()})
    stood = session.scalar(
        select(ActionFence.outcome).where(ActionFence.update_id == update_id).execution_options(populate_existing=True)
    )
    return Outcome(stood or wanted.value)


def apply(session: Session, update_id: str) -> bool:
    """The process is about to apply the action: True unless the web abandoned it first."""
    return _settle(session, update_id, Outcome.applied) == Outcome.applied


def abandon(session: Session, update_id: str) -> bool:
    """The web is about to answer "not recorded": True unless the process applied it first."""
    return _settle(session, update_id, Outcome.abandoned) == Outcome.abandoned


def attempt_id(session: Session, update_id: str, tries: int = 20) -> str:
    """The update id to send for a person's action: the action's own id while the web never gave
    up on it (a repeat then gets the first answer), else the first retry id not fenced off."""
    candidates = [update_id, *(f"{update_id}:retry-{n}" for n in range(1, tries))]
    fenced = {
        update: outcome
        for update, outcome in session.execute(
            select(ActionFence.update_id, ActionFence.outcome).where(ActionFence.update_id.in_(candidates))
        )
    }
    for candidate in candidates:
        if fenced.get(candidate) != Outcome.abandoned.value:
            return candidate
    return f"{update_id}:retry-{tries}"
