"""The reassignment plan on the case page: every customer with what it brought in the last twelve
months and what it still owes, the successor proposed and chosen, and the summary per successor.

The summary follows the manager's selects: changing one posts the current choices (HTMX,
``hx-trigger="change"``) and the server answers with the summary for them, so the page needs no
script of its own and the counts are worked out by the same code that draws the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from schemas.offboarding import PLAN_STEP, OffboardingOut, PlanStatus, ReassignmentOut, task_id_of
from store.db import Session
from store.models import Employee, Offboarding, Task
from store.models.base import utcnow
from store.repo.alerts.details import months_back
from store.repo.offboarding import pages as pages_repo
from store.repo.offboarding import reassignment
from store.repo.offboarding.owed import CustomerFigures, customer_figures

REVENUE_MONTHS = 12
NO_FIGURES = CustomerFigures(revenue=Decimal("0.00"), owed=Decimal("0.00"))


@dataclass(frozen=True)
class SuccessorLoad:
    """What the plan gives one successor: how many customers, their revenue and what they owe."""

    person_id: int
    customers: int
    revenue: Decimal
    owed: Decimal


@dataclass
class PlanView:
    task: Task | None
    editable: bool  # the reader approves the plan and it is still open
    rows: list[ReassignmentOut]
    successors: list[Employee]
    figures: dict[int, CustomerFigures]  # customer id → revenue of the last 12 months, still owed
    load: list[SuccessorLoad]

    def figures_of(self, customer_id: int) -> CustomerFigures:
        return self.figures.get(customer_id, NO_FIGURES)


def revenue_window(zone: ZoneInfo, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The last twelve months up to now, counted in company time."""
    until = now or utcnow()
    return months_back(until, REVENUE_MONTHS, zone), until


def successor_load(
    choices: Iterable[tuple[int, int | None]], figures: Mapping[int, CustomerFigures]
) -> list[SuccessorLoad]:
    """Per successor chosen (customer id → successor id), most customers first."""
    found: dict[int, tuple[int, Decimal, Decimal]] = {}
    for customer_id, person_id in choices:
        if person_id is None:
            continue
        count, revenue, owed = found.get(person_id, (0, Decimal("0.00"), Decimal("0.00")))
        figure = figures.get(customer_id, NO_FIGURES)
        found[person_id] = (count + 1, revenue + figure.revenue, owed + figure.owed)
    loads = [SuccessorLoad(person, count, revenue, owed) for person, (count, revenue, owed) in found.items()]
    return sorted(loads, key=lambda load: (-load.customers, load.person_id))


def plan_view(
    session: Session, case: Offboarding, view: OffboardingOut, task: Task | None, editable: bool, zone: ZoneInfo
) -> PlanView:
    leaver = pages_repo.leaver(session, case)
    successors = reassignment.successors_for(session, leaver) if editable and leaver is not None else []
    figures = customer_figures(session, [row.customer_id for row in view.reassignments], *revenue_window(zone))
    live = [(row.customer_id, row.to_id) for row in view.reassignments if row.status != PlanStatus.cancelled]
    return PlanView(
        task=task,
        editable=editable,
        rows=view.reassignments,
        successors=successors,
        figures=figures,
        load=successor_load(live, figures),
    )


def plan_task_id(case: Offboarding) -> str:
    return task_id_of(case.workflow_id, case.id, PLAN_STEP)


def chosen_load(
    session: Session, view: OffboardingOut, chosen: Mapping[int, int | None], zone: ZoneInfo
) -> list[SuccessorLoad]:
    """The summary for the successors chosen in the form so far (only the case's own customers
    count; a customer left out of the form keeps its planned successor)."""
    rows = [row for row in view.reassignments if row.status != PlanStatus.cancelled]
    figures = customer_figures(session, [row.customer_id for row in rows], *revenue_window(zone))
    return successor_load([(row.customer_id, chosen.get(row.customer_id, row.to_id)) for row in rows], figures)
