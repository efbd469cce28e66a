"""Customers belong to the company: creation under team rules, the pool, ownership moves.

A customer sits in a team decided by the admin's rules (region, industry, size) and has an owner
within that team, or none (the unassigned pool). Every change of owner is an ownership record
with a reason, and an audit entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from schemas.errors import N_, Forbidden, InvalidInput, NotFound
from store.models import Customer, CustomerContact, Employee, OwnershipChange, Team, TeamRule
from store.models.base import utcnow
from store.repo import audit
from store.repo.text_match import contains_any
from store.repo.visibility import Viewer, can_manage_customer, customer_condition

REQUIRED_PROFILE = ("name", "region", "industry", "size", "contact_name", "contact_phone", "address")
OWNER_ROLES = {"sales", "sales_manager"}


def missing_profile(values: dict[str, Any]) -> list[str]:
    """The required profile fields that are empty; orders refuse customers with any."""
    return [name for name in REQUIRED_PROFILE if not str(values.get(name) or "").strip()]


def assign_team(session: Session, region: str, industry: str, size: str) -> int | None:
    """The team the admin's rules give this customer; the most specific, then lowest priority wins.
    Without a rule, a team covering exactly this region and industry."""
    rules = session.scalars(select(TeamRule).order_by(TeamRule.priority, TeamRule.id))
    best: tuple[int, int, int] | None = None
    for rule in rules:
        fields = ((rule.region, region), (rule.industry, industry), (rule.size, size))
        if all(not want or want == have for want, have in fields):
            specificity = sum(1 for want, _ in fields if want)
            candidate = (-specificity, rule.priority, rule.team_id)
            best = candidate if best is None or candidate < best else best
    if best is not None:
        return best[2]
    return session.scalar(select(Team.id).where(Team.region == region, Team.industry == industry).limit(1))


def _owner_problems(session: Session, owner_id: int | None, team_id: int | None) -> list[dict[str, str]]:
    if owner_id is None:
        return []
    owner = session.get(Employee, owner_id)
    if owner is None or owner.status == "departed" or not (OWNER_ROLES & set(owner.roles or [])):
        return [{"field": "owner_id", "code": "unknown_owner", "message": N_("No such salesperson.")}]
    if team_id is not None and owner.team_id != team_id:
        return [{"field": "owner_id", "code": "owner_outside_team",
                 "message": N_("The owner is not in the team these customers belong to.")}]
    return []


def create_customer(session: Session, *, actor: Viewer, fields: dict[str, Any]) -> Customer:
    """Create under the team rules; a salesperson always owns what they create."""
    problems = [{"field": name, "code": "required", "message": N_("Required.")} for name in missing_profile(fields)]
    owner_id = actor.id if actor.has("sales") and not actor.has("sales_manager", "department_head", "admin") \
        else fields.get("owner_id")
    team_id = assign_team(session, fields.get("region", ""), fields.get("industry", ""), fields.get("size", ""))
    if team_id is None and owner_id is not None:
        owner = session.get(Employee, owner_id)
        team_id = owner.team_id if owner else None
    problems += _owner_problems(session, owner_id, team_id)
    external_id = fields.get("external_id")
    if external_id and session.scalar(select(Customer.id).where(Customer.external_id == external_id)):
        problems.append({"field": "external_id", "code": "taken", "message": N_("Already imported.")})
    if problems:
        raise InvalidInput(details=problems)
    customer = Customer(
        name=fields["name"].strip(), region=fields["region"], industry=fields["industry"], size=fields["size"],
        contact_name=fields["contact_name"], contact_phone=fields["contact_phone"], address=fields["address"],
        credit_limit=Decimal(str(fields.get("credit_limit") or "0")), owner_id=owner_id, team_id=team_id,
        notes=fields.get("notes") or "", tags=list(dict.fromkeys(fields.get("tags") or [])), external_id=external_id)
    session.add(customer)
    session.flush()
    record_move(session, customer, None, None, actor.id, N_("Created"))
    audit.record(session, actor_id=actor.id, action="customer.created", entity="customer", entity_id=customer.id,
                 detail={"owner_id": owner_id, "team_id": team_id})
    return customer


def record_move(session: Session, customer: Customer, from_owner: int | None, from_team: int | None,
                 actor_id: int | None, reason: str) -> None:
    session.add(OwnershipChange(customer_id=customer.id, from_owner_id=from_owner, to_owner_id=customer.owner_id,
                                from_team_id=from_team, to_team_id=customer.team_id, reason=reason,
                                actor_id=actor_id))


def visible(session: Session, viewer: Viewer, customer_id: int) -> Customer:
    """The customer, or NotFound exactly as if it did not exist."""
    customer = session.scalar(select(Customer).where(Customer.id == customer_id,
                                                     customer_condition(session, viewer)))
    if customer is None:
        raise NotFound()
    return customer


def list_customers(session: Session, viewer: Viewer, *, q: str | None = None, owner_id: int | None = None,
                   team_id: int | None = None, pool: bool = False, limit: int = 50, offset: int = 0
                   ) -> tuple[list[Customer], int]:
    conditions = [customer_condition(session, viewer)]
    if q:
        conditions.append(contains_any(q, Customer.name, Customer.contact_name))
    if owner_id is not None:
        conditions.append(Customer.owner_id == owner_id)
    if team_id is not None:
        conditions.append(Customer.team_id == team_id)
    if pool:
        conditions.append(Customer.owner_id.is_(None))
    total = session.scalar(select(func.count()).select_from(Customer).where(*conditions)) or 0
    rows = session.scalars(select(Customer).where(*conditions).order_by(Customer.name, Customer.id)
                           .limit(limit).offset(offset))
    return list(rows), total


def reassign(session: Session, *, actor: Viewer, customer_ids: Sequence[int], to_owner_id: int | None,
             reason: str) -> list[Customer]:
    """Move customers (one or many) to an owner, or into the pool with ``None``; all or nothing."""
    if not reason.strip():
        raise InvalidInput(details=[{"field": "reason", "code": "required", "message": N_("Required.")}])
    customers = [visible(session, actor, customer_id) for customer_id in dict.fromkeys(customer_ids)]
    problems: list[dict[str, str]] = []
    target = session.get(Employee, to_owner_id) if to_owner_id is not None else None
    for customer in customers:
        if not can_manage_customer(session, actor, customer):
            raise Forbidden()
        team_for_owner = customer.team_id
        if target is not None and actor.has("department_head", "admin"):
            team_for_owner = target.team_id  # the head may move a customer across teams
        problems += _owner_problems(session, to_owner_id, team_for_owner)
    if problems:
        raise InvalidInput(details=problems[:1])
    for customer in customers:
        before_owner, before_team = customer.owner_id, customer.team_id
        customer.owner_id = to_owner_id
        if target is not None and target.team_id is not None:
            customer.team_id = target.team_id
        record_move(session, customer, before_owner, before_team, actor.id, reason.strip())
        audit.record(session, actor_id=actor.id, action="customer.reassigned", entity="customer",
                     entity_id=customer.id, detail={"from": before_owner, "to": to_owner_id, "reason": reason})
    return customers


def reclaim_silent(session: Session, *, actor: Viewer, silent_days: int, now: datetime | None = None) -> int:
    """Customers nobody contacted for ``silent_days`` go back to the pool of their team."""
    cutoff = (now or utcnow()) - timedelta(days=silent_days)
    candidates = session.scalars(select(Customer).where(
        customer_condition(session, actor), Customer.owner_id.is_not(None),
        or_(Customer.last_contact_at < cutoff, (Customer.last_contact_at.is_(None) & (Customer.created_at < cutoff)))))
    moved = 0
    for customer in candidates:
        if not can_manage_customer(session, actor, customer):
            continue
        before = customer.owner_id
        customer.owner_id = None
        record_move(session, customer, before, customer.team_id, actor.id, f"silent for {silent_days} days")
        audit.record(session, actor_id=actor.id, action="customer.reclaimed", entity="customer",
                     entity_id=customer.id, detail={"from": before, "silent_days": silent_days})
        moved += 1
    return moved


def soft_delete(session: Session, *, actor: Viewer, customer_id: int) -> None:
    customer = visible(session, actor, customer_id)
    customer.deleted_at = utcnow()
    audit.record(session, actor_id=actor.id, action="customer.deleted", entity="customer", entity_id=customer_id,
                 detail={})


def ownership_history(session: Session, customer_id: int) -> list[OwnershipChange]:
    query = select(OwnershipChange).where(OwnershipChange.customer_id == customer_id).order_by(
        OwnershipChange.at.desc(), OwnershipChange.id.desc())
    return list(session.scalars(query))


# ---------------------------------------------------------------- for the import (store/repo/customer_import.py)
def owner_problems(session: Session, owner_id: int | None, team_id: int | None) -> list[dict[str, str]]:
    """The owner rules of :func:`create_customer`, for a caller that checks many customers before
    writing any of them (the import reports every bad row at once)."""
    return _owner_problems(session, owner_id, team_id)


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
    audit.record(session, actor_id=actor.id, action="contact.added", entity="customer", entity_id=customer_id,
                 detail={"contact_id": contact.id, "is_key": contact.is_key})
    return contact
