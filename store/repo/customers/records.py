"""Customers belong to the company: creation, the list, ownership moves.

A customer belongs to its owner's team, or, without an owner, sits in the pool of the team the
admin's rules give it (``store/repo/customers/placement.py`` decides both, and who may do what;
claiming from the pool is ``store/repo/customers/pool.py``). Every change of owner is an
ownership record with a reason, and an audit entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from schemas.customers import CustomerMoved, NotInPool
from schemas.kernel.errors import N_, Forbidden, InvalidInput, NotFound
from store.models import Customer, CustomerContact, OwnershipChange
from store.models.base import utcnow
from store.repo.audit import chain as audit
from store.repo.customers.placement import Placement, PlacementRules
from store.repo.customers.team_rules import TeamDecision, decide_team
from store.repo.customers.visibility import Viewer, can_manage_customer, customer_condition
from store.repo.shared.text_match import contains_any

REQUIRED_PROFILE = ("name", "region", "industry", "size", "contact_name", "contact_phone", "address")


def missing_profile(values: dict[str, Any]) -> list[str]:
    """The required profile fields that are empty; orders refuse customers with any."""
    return [name for name in REQUIRED_PROFILE if not str(values.get(name) or "").strip()]


def create_customer(session: Session, *, actor: Viewer, fields: dict[str, Any]) -> Customer:
    """Create a customer where :mod:`store.repo.customers.placement` puts it: in its owner's team,
    or, without an owner, in the pool of the team the rules give it. A salesperson always owns
    what they create; whom others may name as owner is what they may reassign to."""
    problems = [{"field": name, "code": "required", "message": N_("Required.")} for name in missing_profile(fields)]
    owner_id = (
        actor.id
        if actor.has("sales") and not actor.has("sales_manager", "department_head", "admin")
        else fields.get("owner_id")
    )
    placement = Placement(owner_id, None)
    territory = (fields.get("region") or "", fields.get("industry") or "", fields.get("size") or "")
    if owner_id is not None or all(territory):
        lead_team = decide_team(session, *territory) if owner_id is None else TeamDecision(None)
        placement, refusals = PlacementRules(session, actor).problems(owner_id, lead_team)
        problems += refusals
    external_id = fields.get("external_id")
    if external_id and session.scalar(select(Customer.id).where(Customer.external_id == external_id)):
        problems.append({"field": "external_id", "code": "taken", "message": N_("Already imported.")})
    if problems:
        raise InvalidInput(details=problems)
    customer = Customer(
        name=fields["name"].strip(),
        region=fields["region"],
        industry=fields["industry"],
        size=fields["size"],
        contact_name=fields["contact_name"],
        contact_phone=fields["contact_phone"],
        address=fields["address"],
        credit_limit=Decimal(str(fields.get("credit_limit") or "0")),
        owner_id=placement.owner_id,
        team_id=placement.team_id,
        notes=fields.get("notes") or "",
        tags=list(dict.fromkeys(fields.get("tags") or [])),
        external_id=external_id,
    )
    session.add(customer)
    session.flush()
    record_move(session, customer, None, None, actor.id, N_("Created"))
    audit.record(
        session,
        actor_id=actor.id,
        action="customer.created",
        entity="customer",
        entity_id=customer.id,
        detail={"owner_id": placement.owner_id, "team_id": placement.team_id},
    )
    return customer


def record_move(
    session: Session,
    customer: Customer,
    from_owner: int | None,
    from_team: int | None,
    actor_id: int | None,
    reason: str,
) -> None:
    session.add(
        OwnershipChange(
            customer_id=customer.id,
            from_owner_id=from_owner,
            to_owner_id=customer.owner_id,
            from_team_id=from_team,
            to_team_id=customer.team_id,
            reason=reason,
            actor_id=actor_id,
        )
    )


def visible(session: Session, viewer: Viewer, customer_id: int) -> Customer:
    """The customer, or NotFound exactly as if it did not exist."""
    customer = session.scalar(select(Customer).where(Customer.id == customer_id, customer_condition(session, viewer)))
    if customer is None:
        raise NotFound()
    return customer


def list_customers(
    session: Session,
    viewer: Viewer,
    *,
    q: str | None = None,
    owner_id: int | None = None,
    team_id: int | None = None,
    pool: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Customer], int]:
    """A page of the customers the viewer may see. Without ``pool`` a salesperson's list is what
    they own; with it, the pool leads they may see (their team's, for a salesperson)."""
    conditions = [customer_condition(session, viewer, team_pool=pool)]
    if q:
        conditions.append(contains_any(q, Customer.name, Customer.contact_name))
    if owner_id is not None:
        conditions.append(Customer.owner_id == owner_id)
    if team_id is not None:
        conditions.append(Customer.team_id == team_id)
    if pool:
        conditions.append(Customer.owner_id.is_(None))
    total = session.scalar(select(func.count()).select_from(Customer).where(*conditions)) or 0
    rows = session.scalars(
        select(Customer).where(*conditions).order_by(Customer.name, Customer.id).limit(limit).offset(offset)
    )
    return list(rows), total


def reassign(
    session: Session, *, actor: Viewer, customer_ids: Sequence[int], to_owner_id: int | None, reason: str
) -> list[Customer]:
    """Move customers (one or many) to an owner, or into the pool with ``None``; all or nothing.
    A pool lead given to a salesperson is the same move (from nobody), recorded the same way."""
    if not reason.strip():
        raise InvalidInput(details=[{"field": "reason", "code": "required", "message": N_("Required.")}])
    customers = [visible(session, actor, customer_id) for customer_id in dict.fromkeys(customer_ids)]
    rules = PlacementRules(session, actor)
    placements: list[Placement] = []
    for customer in customers:
        if not can_manage_customer(session, actor, customer):
            raise Forbidden()
        placements.append(rules.place(to_owner_id, pool_team_of(session, customer)))
    for customer, placement in zip(customers, placements, strict=True):
        before_owner, before_team = customer.owner_id, customer.team_id
        if before_owner is None:
            take_from_pool(session, customer, placement)
        else:
            move_from(session, customer, before_owner, placement)
        record_move(session, customer, before_owner, before_team, actor.id, reason.strip())
        audit.record(
            session,
            actor_id=actor.id,
            action="customer.reassigned",
            entity="customer",
            entity_id=customer.id,
            detail={"from": before_owner, "to": to_owner_id, "reason": reason},
        )
    return customers


def move_from(session: Session, customer: Customer, before_owner: int, placement: Placement) -> None:
    """Move a customer from the owner its mover saw, and only from that owner: a conditional update,
    so of two managers moving one customer at once the second hears :class:`CustomerMoved` and the
    ownership history never shows two moves away from the same owner."""
    moved = session.execute(
        update(Customer)
        .where(Customer.id == customer.id, Customer.owner_id == before_owner, Customer.deleted_at.is_(None))
        .values(owner_id=placement.owner_id, team_id=placement.team_id)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise CustomerMoved()


def take_from_pool(session: Session, customer: Customer, placement: Placement) -> None:
    """Give a pool lead its owner only if it is still in the pool: a conditional update, so of two
    people taking the same lead at once (a claim, an assignment) exactly one gets it and the
    other hears :class:`NotInPool`."""
    taken = session.execute(
        update(Customer)
        .where(Customer.id == customer.id, Customer.owner_id.is_(None), Customer.deleted_at.is_(None))
        .values(owner_id=placement.owner_id, team_id=placement.team_id)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise NotInPool()


def pool_team_of(session: Session, customer: Customer) -> TeamDecision:
    """The pool a customer goes back to: its team's, or, when it has none (its owner was in no
    team), the one the rules give it."""
    if customer.team_id is not None:
        return TeamDecision(customer.team_id)
    return decide_team(session, customer.region, customer.industry, customer.size)


def reclaim_silent(session: Session, *, actor: Viewer, silent_days: int, now: datetime | None = None) -> int:
    """Customers nobody contacted for ``silent_days`` go back to the pool of their team."""
    cutoff = (now or utcnow()) - timedelta(days=silent_days)
    candidates = session.scalars(
        select(Customer).where(
            customer_condition(session, actor),
            Customer.owner_id.is_not(None),
            or_(
                Customer.last_contact_at < cutoff, (Customer.last_contact_at.is_(None) & (Customer.created_at < cutoff))
            ),
        )
    )
    moved = 0
    for customer in candidates:
        if not can_manage_customer(session, actor, customer):
            continue
        before, before_team = customer.owner_id, customer.team_id
        customer.owner_id = None
        customer.team_id = pool_team_of(session, customer).team_id or before_team  # an owner in no team
        record_move(session, customer, before, before_team, actor.id, f"silent for {silent_days} days")
        audit.record(
            session,
            actor_id=actor.id,
            action="customer.reclaimed",
            entity="customer",
            entity_id=customer.id,
            detail={"from": before, "silent_days": silent_days},
        )
        moved += 1
    return moved


def soft_delete(session: Session, *, actor: Viewer, customer_id: int) -> None:
    customer = visible(session, actor, customer_id)
    customer.deleted_at = utcnow()
    audit.record(
        session, actor_id=actor.id, action="customer.deleted", entity="customer", entity_id=customer_id, detail={}
    )


def ownership_history(session: Session, customer_id: int) -> list[OwnershipChange]:
    query = (
        select(OwnershipChange)
        .where(OwnershipChange.customer_id == customer_id)
        .order_by(OwnershipChange.at.desc(), OwnershipChange.id.desc())
    )
    return list(session.scalars(query))


# ---------------------------------------------------------------- for the import (store/repo/imports/importer.py)
def record_creation(session: Session, customer: Customer, actor_id: int | None, reason: str) -> None:
    """The first ownership record of a customer written in bulk (what :func:`create_customer`
    records for one customer); the bulk writer keeps one audit entry for the whole batch."""
    record_move(session, customer, None, None, actor_id, reason)


def add_contact(session: Session, *, actor: Viewer, customer_id: int, fields: dict[str, Any]) -> CustomerContact:
    """A person at the customer, recorded in the company's books rather than on someone's phone."""
    customer = visible(session, actor, customer_id)
    if customer.owner_id != actor.id and not can_manage_customer(session, actor, customer):
        raise Forbidden()
    contact = CustomerContact(customer_id=customer_id, **fields)
    session.add(contact)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="contact.added",
        entity="customer",
        entity_id=customer_id,
        detail={"contact_id": contact.id, "is_key": contact.is_key},
    )
    return contact
