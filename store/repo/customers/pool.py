"""The pool: leads without an owner, each in its team's pool, and salespeople claiming them.

A salesperson claims a lead of their own team's pool and owns it at once; the move is an
ownership record (reason "Claimed from pool") and an audit entry like any other. Claims per
person per company day are capped by the admin's ``pool.daily_claims``. Two people claiming the
same lead at once: the owner is set with a conditional ``UPDATE ... WHERE owner_id IS NULL``, so
exactly one of them gets it and the other hears ``not_in_pool``. One person's claims are
serialised by a lock on their own employee row (PostgreSQL; SQLite serialises writers anyway),
so two claims sent together never both pass the cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.customers import ClaimLimit, NotInPool
from schemas.kernel.errors import N_, Forbidden, NotFound
from store.models import Customer, Employee, OwnershipChange
from store.repo.audit import chain as audit
from store.repo.customers.placement import Placement
from store.repo.customers.records import record_move, take_from_pool
from store.repo.customers.visibility import Viewer, may_see_customer
from store.repo.org import settings as company_settings

CLAIMED = N_("Claimed from pool")


@dataclass(frozen=True)
class ClaimAllowance:
    """What the salesperson may still claim today, for the page."""

    limit: int
    used: int

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)


def claims_since(session: Session, employee_id: int, since: datetime) -> int:
    """How many leads the person claimed from ``since`` (the start of the company day) on."""
    return (
        session.scalar(
            select(func.count())
            .select_from(OwnershipChange)
            .where(
                OwnershipChange.actor_id == employee_id,
                OwnershipChange.to_owner_id == employee_id,
                OwnershipChange.reason == CLAIMED,
                OwnershipChange.at >= since,
            )
        )
        or 0
    )


def allowance(session: Session, employee_id: int, since: datetime) -> ClaimAllowance:
    return ClaimAllowance(company_settings.daily_claims(session), claims_since(session, employee_id, since))


def may_claim(viewer: Viewer, customer: Customer) -> bool:
    """A salesperson, a lead without an owner, in the salesperson's own team's pool."""
    return (
        viewer.has("sales")
        and customer.owner_id is None
        and customer.deleted_at is None
        and viewer.team_id is not None
        and customer.team_id == viewer.team_id
    )


def claim(session: Session, *, actor: Viewer, customer_id: int, since: datetime) -> Customer:
    """Make ``actor`` the owner of a lead of their team's pool; ``since`` is the start of today
    in company time. A customer of another team the actor may not see is NotFound; one of their
    own team that has an owner (claimed a moment ago, perhaps) is NotInPool."""
    customer = session.get(Customer, customer_id) if 0 < customer_id <= 2**31 - 1 else None
    if customer is None or customer.deleted_at is not None:
        raise NotFound()
    if actor.team_id is None or customer.team_id != actor.team_id:
        raise Forbidden() if may_see_customer(session, actor, customer_id) else NotFound()
    if customer.owner_id is not None:
        raise NotInPool()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Employee.id).where(Employee.id == actor.id).with_for_update())
    take_from_pool(session, customer, Placement(actor.id, customer.team_id))
    # Counted while holding the write (SQLite) or the person's row lock (PostgreSQL): a claim
    # sent at the same moment waits and then sees this one. Refusing rolls the update back.
    limit, used = company_settings.daily_claims(session), claims_since(session, actor.id, since)
    if used >= limit:
        raise ClaimLimit(limit=limit)
    record_move(session, customer, None, customer.team_id, actor.id, CLAIMED)
    audit.record(
        session,
        actor_id=actor.id,
        action="customer.claimed",
        entity="customer",
        entity_id=customer.id,
        detail={"team_id": customer.team_id, "claims_today": used + 1, "daily_claims": limit},
    )
    return customer
