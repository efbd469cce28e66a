"""Writing many rows in one statement: the demo company and other loaders that fill tables at once.

Each helper is one round trip however many rows it writes; ids come back in the order of the rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session


def count_rows(session: Session, model: type[Any]) -> int:
    """How many rows the model's table holds."""
    return session.scalar(select(func.count()).select_from(model)) or 0


def insert_rows(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Insert every row (nothing when there are none)."""
    if rows:
        session.execute(insert(model), rows)


def insert_returning_ids(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> list[int]:
    """Insert every row and return the new ids in the order of ``rows``."""
    if not rows:
        return []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows))


def update_by_id(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Update each row named by its ``id`` with the other values it carries."""
    if rows:
        session.execute(update(model), rows)
