"""Communication records: append-only and hash-chained.

A correction is a new record that references the one it corrects; nothing is edited. Each
record's hash covers its content and the previous record's hash, so changing or deleting any
stored record breaks the chain from that point, which :func:`verify_chain` reports.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from schemas.kernel.errors import N_, InvalidInput, NotFound
from store.models import Complaint, Customer, Interaction
from store.models.base import utcnow
from store.repo.audit import chain as audit

GENESIS = "0" * 64
CHANNELS = ("phone", "wechat", "email", "visit", "other")


def record_digest(prev_hash: str, row: Interaction) -> str:
    """Times are hashed in UTC, as stored, so the digest is the same before and after a reload."""
    occurred = row.occurred_at.astimezone(UTC).isoformat()
    payload = json.dumps(
        [
            prev_hash,
            row.id,
            row.customer_id,
            row.employee_id,
            row.channel,
            row.summary,
            row.content,
            occurred,
            row.corrects_id,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session,
    *,
    actor_id: int,
    customer_id: int,
    channel: str,
    summary: str,
    occurred_at: datetime,
    content: str = "",
    corrects_id: int | None = None,
) -> Interaction:
    customer = session.get(Customer, customer_id)
    if customer is None or customer.deleted_at is not None:
        raise NotFound()
    problems = []
    if occurred_at > utcnow() + timedelta(minutes=5):
        problems.append({"field": "occurred_at", "code": "in_future", "message": N_("This is in the future.")})
    if corrects_id is not None:
        corrected = session.get(Interaction, corrects_id)
        if corrected is None or corrected.customer_id != customer_id:
            problems.append({"field": "corrects_id", "code": "unknown", "message": N_("No such record.")})
    if problems:
        raise InvalidInput(details=problems)
    head_query = (
        select(Interaction.record_hash)
        .where(Interaction.record_hash.is_not(None))
        .order_by(Interaction.id.desc())
        .limit(1)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        head_query = head_query.with_for_update()
    prev_hash = session.scalar(head_query) or GENESIS
    row = Interaction(
        customer_id=customer_id,
        employee_id=actor_id,
        channel=channel,
        summary=summary.strip(),
        content=content.strip(),
        occurred_at=occurred_at,
        corrects_id=corrects_id,
        by_owner=customer.owner_id == actor_id,
        prev_hash=prev_hash,
    )
    session.add(row)
    session.flush()
    row.record_hash = record_digest(prev_hash, row)
    if customer.last_contact_at is None or occurred_at > customer.last_contact_at:
        customer.last_contact_at = occurred_at
    audit.record(
        session,
        actor_id=actor_id,
        action="interaction.recorded",
        entity="customer",
        entity_id=customer_id,
        detail={"interaction_id": row.id, "by_owner": row.by_owner, "corrects_id": corrects_id},
    )
    return row


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    first_broken_id: int | None = None


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the chained records in id order; the first record whose hash does not follow breaks it."""
    prev, count, last_id = GENESIS, 0, 0
    while True:
        rows = list(
            session.scalars(
                select(Interaction)
                .where(Interaction.record_hash.is_not(None), Interaction.id > last_id)
                .order_by(Interaction.id)
                .limit(batch)
            )
        )
        if not rows:
            return ChainReport(ok=True, entries=count)
        for row in rows:
            if row.prev_hash != prev or row.record_hash != record_digest(prev, row):
                return ChainReport(ok=False, entries=count, first_broken_id=row.id)
            prev, count, last_id = row.record_hash or "", count + 1, row.id


def timeline(session: Session, customer_id: int, limit: int = 50) -> list[Interaction]:
    query = (
        select(Interaction)
        .where(Interaction.customer_id == customer_id)
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def record_complaint(
    session: Session, *, actor_id: int, customer_id: int, summary: str, occurred_at: datetime
) -> Complaint:
    if occurred_at > utcnow() + timedelta(minutes=5):
        raise InvalidInput(
            details=[{"field": "occurred_at", "code": "in_future", "message": N_("This is in the future.")}]
        )
    complaint = Complaint(
        customer_id=customer_id, recorded_by=actor_id, summary=summary.strip(), occurred_at=occurred_at
    )
    session.add(complaint)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="complaint.recorded",
        entity="customer",
        entity_id=customer_id,
        detail={"complaint_id": complaint.id},
    )
    return complaint


def complaints(session: Session, customer_id: int, limit: int = 50) -> list[Complaint]:
    query = (
        select(Complaint)
        .where(Complaint.customer_id == customer_id)
        .order_by(Complaint.occurred_at.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def chain_unhashed(session: Session, batch: int = 5000) -> int:
    """Hash records written in bulk (demo data, migrations) onto the end of the chain, in id order."""
    prev = (
        session.scalar(
            select(Interaction.record_hash)
            .where(Interaction.record_hash.is_not(None))
            .order_by(Interaction.id.desc())
            .limit(1)
        )
        or GENESIS
    )
    done = 0
    while True:
        rows = list(
            session.scalars(
                select(Interaction).where(Interaction.record_hash.is_(None)).order_by(Interaction.id).limit(batch)
            )
        )
        if not rows:
            return done
        for row in rows:
            row.prev_hash = prev
            row.record_hash = prev = record_digest(prev, row)
        session.flush()
        done += len(rows)


def refresh_last_contact(session: Session) -> None:
    """Set every customer's last contact from its newest record (after bulk loads)."""
    newest = select(func.max(Interaction.occurred_at)).where(Interaction.customer_id == Customer.id).scalar_subquery()
    session.execute(update(Customer).values(last_contact_at=newest))
