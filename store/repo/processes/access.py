"""Who may read a process's history: its participants, their managers, HR and admin.

A process is known to the database by its workflow id: the order, offboarding, settlement or
alert row that carries it, and the task rows its steps wrote. Participants are the people it is about (an
order's owner, the person leaving, every salesperson with a statement in the settlement), whoever
started or closed it, and whoever held, was escalated, was delegated or completed one of its
tasks (a task offered to a role counts for everyone holding that role). Managers read the
processes of the people and teams they lead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import (
    Alert,
    CommissionSettlement,
    CommissionStatement,
    Employee,
    Offboarding,
    Order,
    Task,
    Team,
)
from store.repo.customers.visibility import Viewer
from store.repo.org.responsibility import managers_of, team_leaders

EVERY_PROCESS = ("hr", "admin")
FEW_SUBJECTS = 5  # up to this many people a process is about, their whole manager chains are walked


class Access(StrEnum):
    allowed = "allowed"
    forbidden = "forbidden"
    unknown = "unknown"  # no record of the process: answered like a missing one


@dataclass
class ProcessPeople:
    known: bool = False
    subjects: set[int] = field(default_factory=set)  # whom the process is about
    participants: set[int] = field(default_factory=set)  # who started, held, decided or closed
    team_ids: set[int] = field(default_factory=set)
    roles: set[tuple[str, int | None]] = field(default_factory=set)  # (role, team) tasks were offered to


def people_of(session: Session, workflow_id: str) -> ProcessPeople:
    found = ProcessPeople()
    for alert in session.scalars(select(Alert).where(Alert.workflow_id == workflow_id)):
        found.known = True  # about the team, not the person: a flagged salesperson does not read it
        if alert.team_id is not None:
            found.team_ids.add(alert.team_id)
        if alert.assignee_id is not None:
            found.participants.add(alert.assignee_id)
    for order in session.scalars(select(Order).where(Order.workflow_id == workflow_id)):
        found.known = True
        found.subjects.add(order.owner_id)
    for case in session.scalars(select(Offboarding).where(Offboarding.workflow_id == workflow_id)):
        found.known = True
        found.subjects.add(case.employee_id)
        found.participants |= {
            person
            for person in (case.manager_id, case.head_id, case.started_by, case.completed_by, case.cancelled_by)
            if person is not None
        }
    for settlement in session.scalars(
        select(CommissionSettlement).where(CommissionSettlement.workflow_id == workflow_id)
    ):
        found.known = True
        found.participants |= {person for person in (settlement.started_by, settlement.locked_by) if person is not None}
        for employee_id, team_id in session.execute(
            select(CommissionStatement.employee_id, CommissionStatement.team_id)
            .distinct()
            .where(CommissionStatement.settlement_id == settlement.id)
        ):
            found.subjects.add(employee_id)
            if team_id is not None:
                found.team_ids.add(team_id)
    for task in session.scalars(select(Task).where(Task.workflow_id == workflow_id)):
        found.known = True
        found.participants |= {
            person
            for person in (task.assignee_id, task.escalated_to_id, task.delegated_from_id, task.completed_by)
            if person is not None
        }
        if task.candidate_role:
            found.roles.add((task.candidate_role, task.candidate_team_id))
    return found


def _leads(session: Session, viewer: Viewer, people: ProcessPeople) -> bool:
    """The viewer manages one of the people or teams the process is about."""
    if not people.subjects and not people.team_ids:
        return False
    teams = set(people.team_ids)
    if people.subjects:
        teams |= {
            team
            for team in session.scalars(
                select(Employee.team_id).where(Employee.id.in_(people.subjects), Employee.team_id.is_not(None))
            )
            if team is not None
        }
        direct = session.scalar(
            select(Employee.id).where(Employee.id.in_(people.subjects), Employee.manager_id == viewer.id).limit(1)
        )
        if direct is not None:
            return True
    if teams and any(
        viewer.id in team_leaders(session, team) for team in session.scalars(select(Team).where(Team.id.in_(teams)))
    ):
        return True
    if len(people.subjects) <= FEW_SUBJECTS:
        for subject in people.subjects:
            employee = session.get(Employee, subject)
            if employee is not None and viewer.id in managers_of(session, employee):
                return True
    return False


def history_access(session: Session, viewer: Viewer, workflow_id: str) -> Access:
    """May the viewer read this process's history? HR and admin read every process (an unknown one
    too: its history may exist in the engine only, e.g. the monthly commission run)."""
    if viewer.has(*EVERY_PROCESS):
        return Access.allowed
    people = people_of(session, workflow_id)
    if not people.known:
        return Access.unknown
    if viewer.id in people.subjects or viewer.id in people.participants:
        return Access.allowed
    if any(role in viewer.roles and (team is None or team == viewer.team_id) for role, team in people.roles):
        return Access.allowed
    return Access.allowed if _leads(session, viewer, people) else Access.forbidden


def task_facts(session: Session, workflow_id: str) -> list[Task]:
    """The process's task rows, for the role each was offered to and its title message."""
    return list(session.scalars(select(Task).where(Task.workflow_id == workflow_id)))


def names_of(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {row.id: row.name for row in session.execute(select(Employee.id, Employee.name).where(Employee.id.in_(ids)))}


def case_of(session: Session, workflow_id: str) -> tuple[str, str] | None:
    """The kind of process a workflow runs and the record its page shows (a person's newest
    offboarding case), so a message about the process can link to that page."""
    for kind, model, key in (
        ("order", Order, Order.id),
        ("offboarding", Offboarding, Offboarding.id),
        ("commission", CommissionSettlement, CommissionSettlement.period),
        ("alert", Alert, Alert.id),
    ):
        found = session.scalar(
            select(key)
            .where(model.workflow_id == workflow_id)  # type: ignore[attr-defined]
            .order_by(model.id.desc())
            .limit(1)
        )  # type: ignore[attr-defined]
        if found is not None:
            return kind, str(found)
    return None
