"""Who is responsible: the one place Baton works out, from the organisation, who manages a person,
who heads their department, who is one level up when a deadline passes, which team a customer
belongs to, and who in HR and finance acts on a case.

The organisation as API.md has it: a team has one sales manager; that manager's manager is the
department head; escalation climbs ``manager_id``. Real records are less tidy (a manager who also
sells, a salesperson with no team, a manager nobody manages, two departments, someone who left),
so every process asks these questions here and gets the same answer everywhere:

- **A person's manager** (:func:`manager_of`): the sales manager of their team, unless they lead
  the team themselves (or it has none); then their own ``manager_id``. Never the person
  themselves, so nobody approves their own order; someone who has left is passed over for the
  next one up. The team comes first because the customers, orders and commission a manager
  decides on are the team's; in a tidy organisation the two are the same person.
- **The chain above** (:func:`chain_above`): :func:`manager_of`, again and again, nearest first
  (cycles and depth bounded).
- **The department head** (:func:`department_head_of`): the nearest person up that chain who
  holds ``department_head``; when the chain reaches none, the head recorded for the person's
  team's department (``Department.head_id``). Never the person themselves, and never "some head
  of the company": a large order from a second department goes to that department's head. When
  that head is the seller's manager too, the order's head step goes to the head above them
  (:func:`order_approvers`): nobody approves two steps of one order.
- **A team's head and department** (:func:`head_of_team`, :func:`department_of_team`): found
  from the team's manager the same way, the team's recorded department when it has no manager.
  A team created without a department gets the department its manager's head leads (created
  then, named after the head, if they lead none yet) — and since the head is read from the
  manager's chain, a team whose manager changes follows the new manager. A team's commission
  review goes to its manager, else its head (:func:`team_reviewer`).
- **One level up** (:func:`escalation_chain`): the chain above a task's holder (the person who
  is away, for a task delegated while they are), then the department head when the chain stops
  short of them; people the task excludes (an order's owner) are skipped.
- **A customer's team** (:func:`team_of_customer`): the owner's team for an owned customer; the
  team the rules gave a pool lead. An alert is followed up by the manager of the person it is
  about — the flagged salesperson, or the customer's owner — never by them (:func:`alert_follow_up`).
- **HR and finance** (:func:`hr_people`, :func:`finance_people`): company-wide functions, every
  active holder of the role.

When nothing is found — a salesperson with no team and no manager, a head with nobody above —
the functions answer ``None`` (an empty chain) and the process offers the step to a role queue
instead: the step's own role (``sales_manager`` for an order's manager step, ``hr``, ``finance``),
or :data:`schemas.org.NOBODY_NAMED_QUEUE` (``department_head``) for steps meant for a person's
manager or head. An escalation with nobody above does not happen; the overdue notices go on.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.alerts import SubjectType
from schemas.org import EmployeeStatus
from store.models import Customer, Department, Employee, Task, Team

HEAD_ROLE = "department_head"
CHAIN_LIMIT = 10  # no real company is deeper; a cycle in the records stops here at the latest


def role_members(session: Session, role: str, team_id: int | None) -> list[int]:
    """Active people holding ``role`` (within ``team_id`` when given); roles are a JSON list,
    filtered in Python for portability."""
    query = select(Employee).where(Employee.status != EmployeeStatus.departed)
    if team_id is not None:
        query = query.where(Employee.team_id == team_id)
    return [e.id for e in session.scalars(query) if role in (e.roles or [])]


def hr_people(session: Session) -> list[int]:
    """HR for any case: HR is one company-wide function, so every active HR person."""
    return role_members(session, "hr", None)


def finance_people(session: Session) -> list[int]:
    """Finance for any case, company-wide like HR."""
    return role_members(session, "finance", None)


def admins(session: Session) -> list[int]:
    """Every active administrator, company-wide like HR and finance."""
    return role_members(session, "admin", None)


def _active(employee: Employee | None) -> bool:
    return employee is not None and employee.status != EmployeeStatus.departed


def _is_head(employee: Employee | None) -> bool:
    return employee is not None and _active(employee) and HEAD_ROLE in (employee.roles or [])


def _directly_above(session: Session, person: Employee) -> Employee | None:
    """Who the records put above the person: their team's manager unless it is them, else
    their ``manager_id`` (departed or not)."""
    team = session.get(Team, person.team_id) if person.team_id is not None else None
    if team is not None and team.manager_id is not None and team.manager_id != person.id:
        return session.get(Employee, team.manager_id)
    if person.manager_id is not None and person.manager_id != person.id:
        return session.get(Employee, person.manager_id)
    return None


def manager_of(session: Session, person: Employee) -> int | None:
    """The person's manager (see the module's rules); someone who left is passed over."""
    seen = {person.id}
    above = _directly_above(session, person)
    while above is not None and above.id not in seen and len(seen) <= CHAIN_LIMIT:
        if _active(above):
            return above.id
        seen.add(above.id)
        above = _directly_above(session, above)
    return None


def chain_above(session: Session, person: Employee) -> list[int]:
    """Everyone above the person, nearest first, climbing :func:`manager_of`."""
    chain: list[int] = []
    current: Employee | None = person
    while current is not None and len(chain) < CHAIN_LIMIT:
        above = manager_of(session, current)
        if above is None or above == person.id or above in chain:
            break
        chain.append(above)
        current = session.get(Employee, above)
    return chain


def _recorded_head(session: Session, team_id: int | None, person_id: int | None = None) -> int | None:
    """The head recorded for the team's department, if they are active and not ``person_id``."""
    team = session.get(Team, team_id) if team_id is not None else None
    department = session.get(Department, team.department_id) if team and team.department_id else None
    head_id = department.head_id if department is not None else None
    if head_id is None or head_id == person_id or not _active(session.get(Employee, head_id)):
        return None
    return head_id


def department_head_of(session: Session, person: Employee) -> int | None:
    """The person's department head: the nearest head up the chain, else their team's recorded
    department head; None when neither exists (the caller falls back to the head role)."""
    for above in chain_above(session, person):
        if _is_head(session.get(Employee, above)):
            return above
    return _recorded_head(session, person.team_id, person.id)


def head_of_team(session: Session, team: Team) -> int | None:
    """The head of the team's department: its manager when a head leads the team directly, else
    the manager's department head, else the head recorded for the team's department."""
    manager = session.get(Employee, team.manager_id) if team.manager_id is not None else None
    if manager is not None:
        if _is_head(manager):
            return manager.id
        for above in chain_above(session, manager):
            if _is_head(session.get(Employee, above)):
                return above
    return _recorded_head(session, team.id)


def department_of_team(session: Session, team: Team) -> Department | None:
    """The department the team's head leads; the team's recorded department when no head is found
    (or the head leads no department yet)."""
    head_id = head_of_team(session, team)
    if head_id is not None:
        led = session.scalars(select(Department).where(Department.head_id == head_id).order_by(Department.id)).first()
        if led is not None:
            return led
    return session.get(Department, team.department_id) if team.department_id is not None else None


def settle_department(session: Session, team: Team) -> None:
    """Give the team its head's department, creating it (named after the head) when the head leads
    none yet; a team whose chain finds no head keeps what it has."""
    department = department_of_team(session, team)
    head_id = head_of_team(session, team)
    if head_id is not None and (department is None or department.head_id != head_id):
        head = session.get(Employee, head_id)
        assert head is not None
        name = head.name
        if session.scalar(select(Department.id).where(Department.name == name)) is not None:
            name = f"{head.name} ({head.username})"
        department = Department(name=name, head_id=head_id)
        session.add(department)
        session.flush()
    if department is not None:
        team.department_id = department.id


def team_manager(session: Session, team: Team) -> int | None:
    """The team's sales manager while they are with the company."""
    manager = session.get(Employee, team.manager_id) if team.manager_id is not None else None
    return manager.id if manager is not None and _active(manager) else None


def team_reviewer(session: Session, team: Team) -> int | None:
    """Who reviews a team's commission: its manager, else its department head."""
    return team_manager(session, team) or head_of_team(session, team)


def team_leaders(session: Session, team: Team) -> set[int]:
    """Everyone who leads the team: its manager, the chain above them, and its department head."""
    leaders: set[int] = set()
    manager = session.get(Employee, team.manager_id) if team.manager_id is not None else None
    if manager is not None:
        leaders |= {manager.id, *chain_above(session, manager)}
    head_id = head_of_team(session, team)
    if head_id is not None:
        leaders.add(head_id)
    return leaders


def managers_of(session: Session, person: Employee) -> set[int]:
    """Everyone who manages the person: the chain above, the ``manager_id`` the records name when
    the team says otherwise, and the department head."""
    managers = set(chain_above(session, person))
    if person.manager_id is not None:
        managers.add(person.manager_id)
    head_id = department_head_of(session, person)
    if head_id is not None:
        managers.add(head_id)
    managers.discard(person.id)
    return managers


def order_approvers(session: Session, owner: Employee) -> tuple[int | None, int | None]:
    """The order's manager step (the owner's manager) and head step (the owner's department head).

    When the head is the owner's manager as well (a salesperson without a team reporting to the
    head, a team manager's own order), nobody approves two steps: the head step goes to the head
    above them, or to the department-head queue (the workflow excludes who already approved)."""
    manager_id, head_id = manager_of(session, owner), department_head_of(session, owner)
    if head_id is not None and head_id == manager_id:
        head = session.get(Employee, head_id)
        head_id = department_head_of(session, head) if head is not None else None
    return manager_id, head_id


def _ladder(session: Session, person: Employee) -> list[int]:
    chain = chain_above(session, person)
    head_id = department_head_of(session, person)
    if head_id is not None and head_id not in chain:
        chain.append(head_id)
    return chain


def escalation_chain(session: Session, task: Task) -> list[int]:
    """The people a task climbs to, one level per escalation, nearest first."""
    excluded = set((task.context or {}).get("excluded_actor_ids") or [])
    base_id = task.delegated_from_id or task.assignee_id
    base = session.get(Employee, base_id) if base_id is not None else None
    chain: list[int] = []
    if base is not None:
        chain = _ladder(session, base)
    elif task.candidate_team_id is not None:
        team = session.get(Team, task.candidate_team_id)
        manager = session.get(Employee, team.manager_id) if team and team.manager_id else None
        if manager is not None:
            chain = [manager.id, *(above for above in _ladder(session, manager) if above != manager.id)]
    return [person for person in chain if person not in excluded and person != base_id]


def team_of_customer(session: Session, customer: Customer) -> int | None:
    """An owned customer belongs to its owner's team; a pool lead to the team the rules gave it."""
    owner = session.get(Employee, customer.owner_id) if customer.owner_id is not None else None
    if owner is not None and owner.team_id is not None:
        return owner.team_id
    return customer.team_id


def alert_follow_up(
    session: Session, subject_type: SubjectType | str, subject_id: int
) -> tuple[int | None, int | None]:
    """The alert's team and who follows it up: the manager of the person it is about (the flagged
    salesperson, or the customer's owner) — so a manager never follows up an alert about
    themselves; for a pool lead, its team's manager; the department head when no manager is
    found; None (the department-head queue) when nobody is."""
    person: Employee | None
    if SubjectType(subject_type) == SubjectType.customer:
        customer = session.get(Customer, subject_id)
        person = session.get(Employee, customer.owner_id) if customer and customer.owner_id else None
        team_id = team_of_customer(session, customer) if customer is not None else None
    else:
        person = session.get(Employee, subject_id)
        team_id = person.team_id if person is not None else None
    if person is not None:
        return team_id, manager_of(session, person) or department_head_of(session, person)
    team = session.get(Team, team_id) if team_id is not None else None
    return team_id, (team_manager(session, team) or head_of_team(session, team)) if team is not None else None
