"""Reading and checking the audit log: the filtered list HR and admin look through, and the
walk along the hash chain that proves nobody edited, deleted or reordered an entry.

The chain proves what is *inside* the log. Removing the newest entries leaves a shorter chain
that is still whole, so :func:`verify` also takes an ``anchor``: a head hash noted earlier (the
verify answer and ``baton audit verify`` print it). If that entry is no longer in the chain the
log was cut back, and verification fails.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, false, func, or_, select
from sqlalchemy.orm import Session

from store.models import AuditEntry, Task
from store.repo.audit.chain import GENESIS, entry_digest

# Why an entry breaks the chain, from what the walk can tell.
EDITED = "edited"  # its content no longer gives its own hash
MISSING_PREDECESSOR = "missing_predecessor"  # the entry it was chained to is gone (deleted or rewritten)
OUT_OF_ORDER = "out_of_order"  # it is chained to an entry that sits elsewhere (moved, swapped or inserted)
TRUNCATED = "truncated"  # the anchor noted earlier is no longer in the log (newest entries removed)

BATCH = 2000


@dataclass(frozen=True)
class BrokenEntry:
    """The first entry that does not follow the chain (for ``truncated``: the last one left)."""

    id: int | None
    at: datetime | None
    action: str | None
    entity: str | None
    entity_id: str | None
    reason: str


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    head_hash: str | None = None
    broken: BrokenEntry | None = None


def _chain_rows(session: Session) -> Generator[Row[Any], None, None]:
    """Every entry in id order, streamed in batches so a long log never sits in memory whole."""
    query = (
        select(
            AuditEntry.id,
            AuditEntry.at,
            AuditEntry.actor_id,
            AuditEntry.action,
            AuditEntry.entity,
            AuditEntry.entity_id,
            AuditEntry.detail,
            AuditEntry.prev_hash,
            AuditEntry.entry_hash,
        )
        .order_by(AuditEntry.id)
        .execution_options(yield_per=BATCH)
    )
    result = session.execute(query)
    try:
        yield from result
    finally:
        result.close()  # also when the walk stops at a broken entry


def _broken(row: Row[Any], reason: str) -> BrokenEntry:
    return BrokenEntry(
        id=row.id, at=row.at, action=row.action, entity=row.entity, entity_id=row.entity_id, reason=reason
    )


def _link_reason(session: Session, prev_hash: str) -> str:
    """A link that points at an entry still in the log means the order changed; otherwise the
    entry it pointed at was removed (or rewritten, which looks the same from here)."""
    if prev_hash == GENESIS:
        return OUT_OF_ORDER
    found = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entry_hash == prev_hash))
    return OUT_OF_ORDER if found else MISSING_PREDECESSOR


def verify(session: Session, anchor: str | None = None) -> VerifyResult:
    """Recompute every entry's hash from its stored content and check each links to the one
    before it; stop at the first that does not. ``anchor`` is an earlier head hash that must
    still be in the chain."""
    prev, count, anchor_seen, last = GENESIS, 0, anchor is None, None
    rows = _chain_rows(session)
    for row in rows:
        digest = entry_digest(
            row.prev_hash, row.at, row.actor_id, row.action, row.entity, row.entity_id, row.detail or {}
        )
        if digest != row.entry_hash:
            rows.close()
            return VerifyResult(ok=False, entries=count, broken=_broken(row, EDITED))
        if row.prev_hash != prev:
            rows.close()
            return VerifyResult(ok=False, entries=count, broken=_broken(row, _link_reason(session, row.prev_hash)))
        prev, count, last = row.entry_hash, count + 1, row
        anchor_seen = anchor_seen or row.entry_hash == anchor
    head = prev if count else None
    if not anchor_seen:
        broken = _broken(last, TRUNCATED) if last is not None else BrokenEntry(None, None, None, None, None, TRUNCATED)
        return VerifyResult(ok=False, entries=count, head_hash=head, broken=broken)
    return VerifyResult(ok=True, entries=count, head_hash=head)


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page and ``GET /api/audit`` narrow by; ``until`` is exclusive.

    ``actions`` (when not None) keeps entries whose action starts with one of them: the codes a
    person's words matched ("收款" → ``payment.payment``); an empty list matches nothing."""

    entity: str | None = None
    entity_id: str | None = None
    actor_id: int | None = None
    action: str | None = None  # a prefix: "payment" finds payment.payment and payment.refund
    since: datetime | None = None
    until: datetime | None = None
    actions: tuple[str, ...] | None = None


# A process's own record and the process its tasks name: a manager's approval is audited on its
# task, and belongs to the order as much as the order's own entries do.
TASK_PROCESS_OF = {
    "order": "order",
    "offboarding": "offboarding",
    "commission_settlement": "commission",
    "alert": "alert",
}


def _record(wanted: AuditFilter) -> ColumnElement[bool] | None:
    """The entries about the record asked for, with those about its process's tasks."""
    own = [AuditEntry.entity == wanted.entity] if wanted.entity else []
    if wanted.entity_id:
        own.append(AuditEntry.entity_id == wanted.entity_id)
    if not own:
        return None
    process = TASK_PROCESS_OF.get(wanted.entity or "")
    if process is None:
        return and_(*own)
    tasks = select(Task.id).where(Task.process == process)
    if wanted.entity_id:
        tasks = tasks.where(Task.process_id == wanted.entity_id)
    return or_(and_(*own), and_(AuditEntry.entity == "task", AuditEntry.entity_id.in_(tasks)))


def _conditions(wanted: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    record = _record(wanted)
    if record is not None:
        conditions.append(record)
    if wanted.actor_id is not None:
        conditions.append(AuditEntry.actor_id == wanted.actor_id)
    if wanted.action:
        conditions.append(AuditEntry.action.startswith(wanted.action, autoescape=True))
    if wanted.actions is not None:
        conditions.append(
            or_(false(), *(AuditEntry.action.startswith(code, autoescape=True) for code in wanted.actions))
        )
    if wanted.since is not None:
        conditions.append(AuditEntry.at >= wanted.since)
    if wanted.until is not None:
        conditions.append(AuditEntry.at < wanted.until)
    return conditions


def search(session: Session, wanted: AuditFilter, *, limit: int = 100, offset: int = 0) -> tuple[list[AuditEntry], int]:
    """A page of matching entries, newest first, and how many match in all."""
    conditions = _conditions(wanted)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions)) or 0
    query = select(AuditEntry).where(*conditions).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(query)), total


def entity_kinds(session: Session) -> list[str]:
    """The kinds of record the log has entries about, for the page's filter."""
    return list(session.scalars(select(AuditEntry.entity).distinct().order_by(AuditEntry.entity)))
