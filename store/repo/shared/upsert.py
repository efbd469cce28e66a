"""Insert-or-update in one statement, so two people saving the same new key at once never collide.

A read-then-insert lets both writers see "absent" and the second insert fail on the primary key;
``INSERT ... ON CONFLICT`` (SQLite and PostgreSQL alike) makes the database decide.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def _insert(session: Session, model: type[Any]) -> Any:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def insert_or_update(session: Session, model: type[Any], key: dict[str, Any], values: dict[str, Any]) -> None:
    """The row ``key`` holds ``values`` afterwards, whether or not it existed."""
    statement = _insert(session, model).values(**key, **values)
    session.execute(statement.on_conflict_do_update(index_elements=list(key), set_=values))


def insert_if_absent(session: Session, model: type[Any], values: dict[str, Any]) -> None:
    """Add the row unless one with the same primary key is already there."""
    session.execute(_insert(session, model).values(**values).on_conflict_do_nothing())
