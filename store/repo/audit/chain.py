"""Append to the hash-chained audit log.

Each entry's hash covers its content and the previous entry's hash, so changing or deleting
an old entry breaks every hash after it. Appends serialise on the chain head (row lock on
PostgreSQL; SQLite serialises writers anyway).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from store.models import AuditEntry
from store.models.base import utcnow

GENESIS = "0" * 64
CHAIN_LOCK = 0x6261746F6E  # "baton": the audit chain's advisory lock key


def entry_digest(
    prev_hash: str, at: datetime, actor_id: int | None, action: str, entity: str, entity_id: str, detail: dict[str, Any]
) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(), actor_id, action, entity, entity_id, detail],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _hold_the_chain(session: Session) -> None:
    """One appender at a time, until commit: two entries must never follow the same head.

    PostgreSQL: a transaction-scoped advisory lock (locking the head row is not enough: a waiter
    wakes up holding the old head, and an empty log has no row to lock). SQLite: a write that
    changes nothing takes the database's write lock before the head is read."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    elif dialect == "sqlite":
        session.execute(text("UPDATE audit_log SET id = id WHERE 0"))


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: Any,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    _hold_the_chain(session)
    head = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).first()
    prev_hash = head.entry_hash if head else GENESIS
    at = utcnow().replace(microsecond=0)
    # Hashed as it will read back from the database (JSON keys are strings), so it verifies later.
    detail = json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str))
    entry = AuditEntry(
        at=at,
        actor_id=actor_id,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        detail=detail,
        prev_hash=prev_hash,
        entry_hash=entry_digest(prev_hash, at, actor_id, action, entity, str(entity_id), detail),
    )
    session.add(entry)
    session.flush()
    return entry


def record_once(session: Session, *, action: str, entity: str, entity_id: str, detail: dict[str, Any]) -> None:
    """:func:`record` unless the record already has an entry of this action (a retried step)."""
    seen = session.scalar(
        select(AuditEntry.id)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id, AuditEntry.action == action)
        .limit(1)
    )
    if seen is None:
        record(session, actor_id=None, action=action, entity=entity, entity_id=entity_id, detail=detail)


def entries_for(session: Session, entity: str, entity_id: Any, limit: int = 200) -> list[AuditEntry]:
    query = (
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.id)
        .limit(limit)
    )
    return list(session.scalars(query))
