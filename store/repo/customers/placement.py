"""Who a customer belongs to and in which team, and who may put it there: one rule for creating a
customer, reassigning it, assigning a pool lead and importing.

- A customer with an owner belongs to the owner's team (none when the owner is in no team).
- A customer without an owner is a pool lead: it sits in its team's pool, the team the admin's
  rules give it (``store/repo/customers/team_rules.py``), or the team it already had when it goes back.
- The owner is an active salesperson (``sales`` or ``sales_manager``).
- Who may give a customer to whom: the department head and admin to anyone; a sales manager to
  a salesperson of a team they manage, or to their team's pool; a salesperson only to themselves
  (what they create is theirs). Refusals are the same whether the customer is new or moves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from schemas.kernel.errors import N_, InvalidInput
from schemas.org import EmployeeStatus
from store.models import Employee
from store.repo.customers.team_rules import Problem, TeamDecision
from store.repo.customers.visibility import Viewer, managed_team_ids

OWNER_ROLES = {"sales", "sales_manager"}
NO_TEAM: Problem = {"field": "region", "code": "no_team", "message": N_("No team covers this region and industry.")}


@dataclass(frozen=True)
class Placement:
    owner_id: int | None
    team_id: int | None


def valid_owner(person: Employee | None) -> bool:
    """Someone who can own customers: a salesperson or sales manager who has not left."""
    return (
        person is not None and person.status != EmployeeStatus.departed and bool(OWNER_ROLES & set(person.roles or []))
    )


class PlacementRules:
    """The rules for one actor; what they manage is read once, so an import of many rows asks
    the database once, not once per row."""

    def __init__(self, session: Session, actor: Viewer) -> None:
        self.session, self.actor = session, actor
        self.everywhere = actor.has("department_head", "admin")
        self.managed = set(managed_team_ids(session, actor)) if actor.has("sales_manager") else set()

    def problems(self, owner_id: int | None, lead_team: TeamDecision) -> tuple[Placement, list[Problem]]:
        """Where the customer lands when the actor gives it to ``owner_id`` (``None``: the pool
        of ``lead_team``), and every reason that is refused."""
        if owner_id is None:
            if lead_team.team_id is None:
                return Placement(None, None), [lead_team.problem or NO_TEAM]
            if not self.may_place_in(lead_team.team_id):
                return Placement(None, lead_team.team_id), [
                    {
                        "field": "region",
                        "code": "team_not_yours",
                        "message": N_("By the team rules this customer belongs to a team you do not manage."),
                    }
                ]
            return Placement(None, lead_team.team_id), []
        owner = self.session.get(Employee, owner_id) if 0 < owner_id <= 2**31 - 1 else None
        if owner is None or not valid_owner(owner):
            return Placement(owner_id, None), [
                {"field": "owner_id", "code": "unknown_owner", "message": N_("No such salesperson.")}
            ]
        if not (
            owner.id == self.actor.id
            or self.everywhere
            or (owner.team_id is not None and self.may_place_in(owner.team_id))
        ):
            return Placement(owner_id, owner.team_id), [
                {
                    "field": "owner_id",
                    "code": "owner_outside_team",
                    "message": N_("The owner is not in a team you manage."),
                }
            ]
        return Placement(owner.id, owner.team_id), []

    def place(self, owner_id: int | None, lead_team: TeamDecision) -> Placement:
        """:meth:`problems`, refusing with 422 and every problem."""
        placement, problems = self.problems(owner_id, lead_team)
        if problems:
            raise InvalidInput(details=problems)
        return placement

    def may_place_in(self, team_id: int) -> bool:
        """A lead of this team may be put in its pool or given to its people by the actor."""
        return self.everywhere or team_id in self.managed


def owners_by_team(session: Session, team_ids: Iterable[int | None]) -> dict[int, list[Employee]]:
    """The people who may own customers in each of these teams, by name: what an assign or
    reassign list offers for a customer of that team."""
    wanted = {team_id for team_id in team_ids if team_id is not None}
    found: dict[int, list[Employee]] = {team_id: [] for team_id in wanted}
    if wanted:
        for person in session.scalars(
            select(Employee)
            .where(Employee.team_id.in_(wanted), Employee.status == EmployeeStatus.active)
            .order_by(Employee.name)
        ):
            if valid_owner(person) and person.team_id is not None:
                found[person.team_id].append(person)
    return found


def owners_for(session: Session, actor: Viewer) -> list[Employee]:
    """Everyone ``actor`` may name as a customer's owner (the new-customer form's choices)."""
    rules = PlacementRules(session, actor)
    query = (
        select(Employee)
        .where(Employee.status == EmployeeStatus.active)
        .order_by(Employee.team_id.is_(None), Employee.team_id, Employee.name)
    )
    if not rules.everywhere:
        query = query.where(or_(Employee.id == actor.id, Employee.team_id.in_(rules.managed)))
    return [person for person in session.scalars(query) if valid_owner(person)]
