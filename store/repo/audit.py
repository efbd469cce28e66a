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

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import AuditEntry
from store.models.base import utcnow

GENESIS = "0" * 64


def entry_digest(prev_hash: str, at: datetime, actor_id: int | None, action: str, entity: str,
                 entity_id: str, detail: dict[str, Any]) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(), actor_id, action, entity, entity_id, detail],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(session: Session, *, actor_id: int | None, action: str, entity: str, entity_id: Any,
           detail: dict[str, Any] | None = None) -> AuditEntry:
    head_query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        head_query = head_query.with_for_update()
    head = session.scalars(head_query).first()
    prev_hash = head.entry_hash if head else GENESIS
    at = utcnow().replace(microsecond=0)
    detail = detail or {}
    entry = AuditEntry(
        at=at, actor_id=actor_id, action=action, entity=entity, entity_id=str(entity_id),
        detail=detail, prev_hash=prev_hash,
        entry_hash=entry_digest(prev_hash, at, actor_id, action, entity, str(entity_id), detail),
    )
    session.add(entry)
    session.flush()
    return entry


def entries_for(session: Session, entity: str, entity_id: Any, limit: int = 200) -> list[AuditEntry]:
    query = (select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
             .order_by(AuditEntry.id).limit(limit))
    return list(session.scalars(query))
