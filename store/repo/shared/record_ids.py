"""Ids that are never handed out twice, on SQLite as on PostgreSQL (see ``IdFloor``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from store.models import IdFloor
from store.repo.shared.upsert import insert_if_absent


def fresh_id(session: Session, model: Any) -> int | None:
    """The id the next row of ``model`` must take, above every id it ever had; None where the
    database's own sequence already guarantees that (PostgreSQL)."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    name = model.__tablename__
    insert_if_absent(session, IdFloor, {"name": name, "last_id": 0})
    highest = select(func.coalesce(func.max(model.id), 0)).scalar_subquery()
    session.execute(update(IdFloor).where(IdFloor.name == name).values(last_id=func.max(IdFloor.last_id, highest) + 1))
    value: int = (
        session.scalar(select(IdFloor.last_id).where(IdFloor.name == name).execution_options(populate_existing=True))
        or 0
    )
    return value
