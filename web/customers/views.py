"""What the customer page shows, read in one session: the 360 view, whom the reader may make the
owner, and for a pool lead whether the reader may claim it and how many claims are left today."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from store.db import Session
from store.repo.customers import pool as customer_pool
from store.repo.customers import profile as customer_view
from store.repo.customers.placement import owners_for
from store.repo.customers.visibility import can_manage_customer
from store.repo.org import records as org
from web.customers.rows import owner_groups
from web.shared.auth import Principal, viewer_of

SALES_SIDE = ("sales", "sales_manager", "department_head", "admin")


def owner_choices(session: Session, user: Principal) -> dict[str, Any]:
    """Whom the new-customer form offers as owner: nobody but the salesperson themselves for
    sales; the pool and the people of the teams they manage for a manager; everyone for the head
    and admin."""
    if not user.has("sales_manager", "department_head", "admin"):
        return {"owner_groups": None}
    team_names = {team.id: team.name for team in org.all_teams(session)}
    return {"owner_groups": owner_groups(owners_for(session, viewer_of(user)), team_names, user.team_id)}


def detail_context(session: Session, user: Principal, customer_id: int, claims_since: datetime) -> dict[str, Any]:
    """The customer page: the 360 view, who the reader may reassign it to (the customer's team
    first), and for a pool lead whether the reader may claim it and how many claims are left
    (counted from ``claims_since``, the start of the company's day)."""
    viewer = viewer_of(user)
    view = customer_view.customer_360(session, viewer, customer_id)
    customer = view["customer"]
    manageable = can_manage_customer(session, viewer, customer)
    team_names = {team.id: team.name for team in org.all_teams(session)}
    choices = owner_groups(owners_for(session, viewer) if manageable else [], team_names, customer.team_id)
    claimable = customer_pool.may_claim(viewer, customer)
    allowance = customer_pool.allowance(session, viewer.id, claims_since) if claimable else None
    people = {i.employee_id for i in view["interactions"]} | {c.recorded_by for c in view["complaints"]}
    people |= {o.from_owner_id for o in view["ownership"]} | {o.to_owner_id for o in view["ownership"]}
    people |= {o.actor_id for o in view["ownership"]}
    return {
        **view,
        "names": customer_view.names(session, people),
        "manageable": manageable,
        "owner_groups": choices,
        "may_record": user.has(*SALES_SIDE),
        "customer_id": customer_id,
        "claimable": claimable,
        "allowance": allowance,
    }
