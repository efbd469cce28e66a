"""What the customer list shows beside each customer: its owner, the team whose pool a lead is
in, and what the reader may do with a lead there and then (claim it, or assign it to one of
the team's salespeople), with the claims left today for a salesperson."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from schemas.kernel.errors import N_
from store.db import Session
from store.models import Customer, Employee, Team
from store.repo.customers import pool as customer_pool
from store.repo.customers import profile as customer_view
from store.repo.customers.placement import PlacementRules, owners_by_team
from store.repo.customers.visibility import Viewer, managed_team_ids
from store.repo.org import records as org


def may_claim_from_pool(viewer: Viewer) -> bool:
    """A salesperson in a team has a pool to claim from."""
    return viewer.has("sales") and viewer.team_id is not None


def list_teams(session: Session, viewer: Viewer) -> list[Team]:
    """The teams the reader may filter the list by: all for the department head and admin, the
    teams a manager manages."""
    teams = org.all_teams(session)
    if viewer.has("department_head", "admin"):
        return teams
    managed = set(managed_team_ids(session, viewer)) if viewer.has("sales_manager") else set()
    return [team for team in teams if team.id in managed]


def row_offers(session: Session, viewer: Viewer, rows: Sequence[Customer], since: datetime) -> dict[str, Any]:
    """The template context the rows of ``customers/_row.html`` need."""
    rules = PlacementRules(session, viewer)
    leads = [customer for customer in rows if customer.owner_id is None]
    assignable = {c.team_id for c in leads if c.team_id is not None and rules.may_place_in(c.team_id)}
    return {
        "owners": customer_view.names(session, {c.owner_id for c in rows}),
        "team_names": {team.id: team.name for team in org.all_teams(session)},
        "claimable": {c.id for c in leads if customer_pool.may_claim(viewer, c)},
        "assign_to": owners_by_team(session, assignable),
        "allowance": customer_pool.allowance(session, viewer.id, since) if may_claim_from_pool(viewer) else None,
    }


def owner_groups(
    people: Sequence[Employee], team_names: dict[int, str], first_team: int | None
) -> list[tuple[str, list[Employee]]]:
    """People to choose an owner from, by team, ``first_team`` (the customer's) first, then by
    team name; people in no team last."""
    groups: dict[int | None, list[Employee]] = {}
    for person in people:
        groups.setdefault(person.team_id, []).append(person)
    order = sorted(groups, key=lambda team: (team != first_team, team is None, team_names.get(team or 0, "")))
    return [(team_names.get(team, "") if team is not None else N_("No team"), groups[team]) for team in order]
