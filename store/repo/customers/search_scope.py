"""Narrowing a records search: one customer, one author, a span of time.

A scope is kept apart from visibility on purpose. Visibility decides which records a reader may
see at all; a scope is what the reader asked for on top. The search applies the time span where
it is cheapest: on SQLite as a range of the FTS search key, whose high bits are the record's
second (migration 0004), so the index skips what lies outside without reading a row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from store.models import Employee, Interaction, Team
from store.repo.customers.visibility import Viewer, managed_team_ids

_KEY_EPOCH = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp())  # the search key counts seconds from here
_KEY_SECOND = 1 << 31  # one second of occurred_at in the search key (the id takes the low 31 bits)


@dataclass(frozen=True)
class SearchScope:
    """What the reader narrowed the search to; ``since`` included, ``until`` excluded."""

    customer_id: int | None = None
    author_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None

    def who(self) -> list[ColumnElement[bool]]:
        """The customer and author conditions (served by their indexes)."""
        found: list[ColumnElement[bool]] = []
        if self.customer_id is not None:
            found.append(Interaction.customer_id == self.customer_id)
        if self.author_id is not None:
            found.append(Interaction.employee_id == self.author_id)
        return found

    def when(self) -> list[ColumnElement[bool]]:
        """The time span as conditions on ``occurred_at``."""
        found: list[ColumnElement[bool]] = []
        if self.since is not None:
            found.append(Interaction.occurred_at >= self.since)
        if self.until is not None:
            found.append(Interaction.occurred_at < self.until)
        return found

    def key_range(self) -> tuple[int | None, int | None]:
        """The time span as SQLite search keys, to the second as the keys are: from the first key
        of ``since``'s second to the first key of the first whole second at or after ``until``."""
        low = _key(math.floor(self.since.timestamp())) if self.since is not None else None
        high = _key(math.ceil(self.until.timestamp())) if self.until is not None else None
        return low, high


def _key(seconds: int) -> int:
    return (seconds - _KEY_EPOCH) * _KEY_SECOND


def author_choices(session: Session, viewer: Viewer) -> list[tuple[int, str]]:
    """The people a reader may pick as a record's author: everyone for the department head and
    admin; the people of their teams (and those teams' managers) for a manager or salesperson,
    departed colleagues included, since their records are the ones a handover searches."""
    query = select(Employee.id, Employee.name).order_by(Employee.name, Employee.id)
    if not viewer.has("department_head", "admin"):
        teams = managed_team_ids(session, viewer)
        managers = select(Team.manager_id).where(Team.id.in_(teams))
        query = query.where(or_(Employee.team_id.in_(teams), Employee.id.in_(managers), Employee.id == viewer.id))
    return [(row.id, row.name) for row in session.execute(query)]
