"""Who may see which customer: the one place tiered visibility is decided, as SQL conditions.

- sales: the customers they own, and the leads in their team's pool (to see before claiming);
- sales_manager: their team's customers (teams they manage, and their own team);
- department_head and admin: every customer;
- finance: customers with orders (what receivables and payments need);
- hr: none (no commercial detail).
Soft-deleted customers are hidden from everyone. Every list, search, count, report and
autocomplete that touches customers or their records filters with :func:`customer_condition`,
and a single record the caller may not see is answered exactly like a missing one (404).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, any_, exists, false, func, or_, select, true
from sqlalchemy.orm import Session

from store.models import Customer, Interaction, Order, Team


@dataclass(frozen=True)
class Viewer:
    """The facts visibility needs about the caller (built from the authenticated principal)."""

    id: int
    roles: frozenset[str]
    team_id: int | None

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


def managed_team_ids(session: Session, viewer: Viewer) -> list[int]:
    teams = set(session.scalars(select(Team.id).where(Team.manager_id == viewer.id)))
    if viewer.team_id is not None:
        teams.add(viewer.team_id)
    return sorted(teams)


def customer_condition(session: Session, viewer: Viewer, *, team_pool: bool = True) -> ColumnElement[bool]:
    """SQL condition on ``Customer`` for the customers the viewer may see. ``team_pool=False``
    leaves out the pool leads a salesperson sees only as their team's pool (their list of
    "my customers"); a manager's team customers are theirs either way."""
    alive = Customer.deleted_at.is_(None)
    if viewer.has("department_head", "admin"):
        return alive
    allowed: list[ColumnElement[bool]] = []
    if viewer.has("sales_manager"):
        teams = managed_team_ids(session, viewer)
        if teams:
            allowed.append(Customer.team_id.in_(teams))
    if viewer.has("sales", "sales_manager"):
        allowed.append(Customer.owner_id == viewer.id)
    if viewer.has("sales") and team_pool and viewer.team_id is not None:
        allowed.append(Customer.owner_id.is_(None) & (Customer.team_id == viewer.team_id))
    if viewer.has("finance"):
        allowed.append(exists().where(Order.customer_id == Customer.id))
    if not allowed:
        return false()
    return and_(alive, or_(*allowed))


def reads_conversations(viewer: Viewer) -> bool:
    """Communication records, complaints and key contacts are the sales side's: finance needs
    money, not conversations. The one rule for records wherever they appear (search, the 360
    view, exports)."""
    return viewer.has("sales", "sales_manager", "department_head", "admin")


def interaction_condition(session: Session, viewer: Viewer) -> ColumnElement[bool]:
    """Records on customers the viewer may see, plus records the viewer wrote themselves."""
    if viewer.has("department_head", "admin"):
        return true()
    if not reads_conversations(viewer):
        return false()
    visible = select(Customer.id).where(customer_condition(session, viewer))
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        # ``= ANY(ARRAY(subquery))`` lets PostgreSQL evaluate the customer list once and use the
        # interactions' indexes; ``IN (subquery) OR ...`` made it scan the whole table.
        return or_(
            Interaction.customer_id == any_(func.array(visible.scalar_subquery())), Interaction.employee_id == viewer.id
        )
    return or_(Interaction.customer_id.in_(visible), Interaction.employee_id == viewer.id)


def may_see_customer(session: Session, viewer: Viewer, customer_id: int) -> bool:
    query = select(Customer.id).where(Customer.id == customer_id, customer_condition(session, viewer))
    return session.scalar(query) is not None


def visible_customer_ids(session: Session, viewer: Viewer, customer_ids: set[int]) -> set[int]:
    """Those of ``customer_ids`` the viewer may open: one query for a page that mentions many."""
    if not customer_ids:
        return set()
    query = select(Customer.id).where(Customer.id.in_(customer_ids), customer_condition(session, viewer))
    return set(session.scalars(query))


def can_manage_customer(session: Session, viewer: Viewer, customer: Customer) -> bool:
    """Reassign, reclaim, bulk actions: the team's manager, department head, admin."""
    if viewer.has("department_head", "admin"):
        return True
    return viewer.has("sales_manager") and customer.team_id in managed_team_ids(session, viewer)
