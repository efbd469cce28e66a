"""What the commission pages show, each read in one session: the settlements with the open form,
the plan in force, one settlement (its statements, the disputes, the reviews and the reader's
own review task) and one statement line by line.

Statements and lines are read through ``settlement_views``, so a page shows a person exactly
what the API shows them. A reader resolves a dispute only where the workflow would let them
(the open ``commission_review`` task of the dispute's team is theirs; finance or the department
head for a statement without a team) and acts only on review tasks they hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.commission import (
    RECOMPUTABLE,
    UNTEAMED_RESOLVERS,
    DisputeOut,
    DisputeStatus,
    LineOut,
    ReviewClosed,
    SettlementLocked,
    SettlementNotFound,
    SettlementOut,
    SettlementStatus,
)
from schemas.commission_math import from_fen, period_of, previous_period
from schemas.kernel.errors import N_, NotFound
from store.models import CommissionAdjustment, CommissionDispute, CommissionSettlement, Service, Task
from store.repo.commission import plans as commission_plans
from store.repo.commission import records as settlements
from store.repo.commission import views as settlement_views
from store.repo.offboarding.records import employee_names
from store.repo.tasks import records as task_repo
from web.commission.forms import PlanForm, percent_of, plan_body
from web.shared.auth import Principal, get_db, viewer_of
from web.shared.company_time import company_today

MANAGERS = ("finance", "admin")  # open settlements, keep the plan, recompute, export
REVIEW_KINDS = ("commission_review", "commission_approval")
# Why the owner of a statement cannot dispute its lines now.
CLOSED_REASONS = {
    SettlementStatus.computing: N_("The statement is being computed; check back shortly."),
    SettlementStatus.manager_review: ReviewClosed.message,
    SettlementStatus.finance_review: ReviewClosed.message,
    SettlementStatus.locked: SettlementLocked.message,
}


@dataclass(frozen=True)
class DisputeView:
    dispute: DisputeOut
    employee_name: str
    line: LineOut | None  # the disputed line in the current draft
    adjustment: Decimal | None  # what an adjusted dispute added
    resolvable: bool  # the reader decides it, now


@dataclass(frozen=True)
class ReviewView:
    task: Task
    mine: bool  # the reader holds it and it is open


# ----------------------------------------------------------------------------- the list and the plan
def list_context(request: Request, user: Principal) -> dict[str, Any]:
    with get_db(request).session() as session:
        rows = settlement_views.list_settlements(session, viewer_of(user))
    return {
        "rows": rows,
        "may_manage": user.has(*MANAGERS),
        "refusal": None,
        "period": previous_period(period_of(company_today(request))),
    }


def plan_context(request: Request) -> dict[str, Any]:
    this_period = period_of(company_today(request))
    with get_db(request).session() as session:
        plan = commission_plans.current(session, this_period)
        out = commission_plans.plan_out(plan) if plan is not None else None
        services = {row.code: row.name for row in session.scalars(select(Service).order_by(Service.code))}
    typed = PlanForm(effective_from=this_period, hold_days=str(out.hold_forfeit_days or "") if out else "")
    if out is not None:
        typed.tiers = [(tier["from"], percent_of(tier["rate"])) for tier in out.tiers]
        typed.services = [(code, percent_of(rate)) for code, rate in out.service_rates.items()]
    return {"plan": out, "services": services, "form": typed.padded(), "refusal": None, "problem_rows": set()}


def save_plan(request: Request, user: Principal, typed: PlanForm) -> int:
    body = plan_body(typed)
    with get_db(request).session() as session:
        saved = commission_plans.save(
            session, actor_id=user.id, plan=body, current_period=period_of(company_today(request))
        )
        return saved.version


# ----------------------------------------------------------------------------- one settlement
def current_run(request: Request, period: str) -> int:
    with get_db(request).session() as session:
        return settlements.by_period(session, period).run


def progress_context(request: Request, user: Principal, period: str, after_run: int) -> dict[str, Any] | None:
    """The progress bar's figures while a run newer than ``after_run`` is computed (read cheaply:
    the bar asks every second), or None once it is published."""
    with get_db(request).session() as session:
        row = settlements.by_period(session, period)
        if row.status != SettlementStatus.computing.value and row.run > after_run:
            return None
        if not user.has(*settlement_views.EVERY_STATEMENT) and not settlement_views.statements(
            session, row, viewer_of(user)
        ):
            raise SettlementNotFound()
        return {"settlement": {"period": row.period, "progress": row.progress}, "after_run": after_run}


def settlement_context(request: Request, user: Principal, period: str, after_run: int = 0) -> dict[str, Any]:
    """Everything the settlement page shows this reader; ``after_run`` keeps the progress bar
    until a newer run than that one is computed (after a recompute)."""
    with get_db(request).session() as session:
        row = settlements.by_period(session, period)
        view = settlement_views.settlement_view(session, row, viewer_of(user), with_lines=False)
        if not view.statements and not user.has(*settlement_views.EVERY_STATEMENT):
            raise SettlementNotFound()
        reviews = _reviews(session, user, row, {statement.team_id for statement in view.statements})
        disputes = _disputes(session, user, row, view, reviews)
        names = employee_names(
            session,
            {
                person
                for person in (
                    *(d.dispute.resolved_by for d in disputes),
                    *(r.task.completed_by for r in reviews),
                    *(r.task.assignee_id for r in reviews),
                    *(r.task.delegated_from_id for r in reviews),
                )
                if person is not None
            },
        )
    may_recompute = user.has(*MANAGERS) and view.status in RECOMPUTABLE
    forms = (
        {r.task.id for r in reviews if r.mine}
        | {f"dispute-{d.dispute.id}" for d in disputes if d.resolvable}
        | ({"recompute"} if may_recompute else set())
    )
    return {
        "settlement": view,
        "period": period,
        "reviews": reviews,
        "disputes": disputes,
        "names": names,
        "may_manage": user.has(*MANAGERS),
        "may_recompute": may_recompute,
        "forms": forms,
        "computing": view.status == SettlementStatus.computing or row.run <= after_run,
        "after_run": after_run,
        "own_statement": any(s.employee_id == user.id for s in view.statements),
        "refusal": None,
        "typed": {},
        "notice": None,
        "oob": False,
    }


def _reviews(session: Session, user: Principal, row: CommissionSettlement, teams: set[int | None]) -> list[ReviewView]:
    """The review tasks of the latest round (withdrawn ones left out): every one for those who
    read every statement, else those of the teams whose statements the reader reads and their own."""
    tasks = [
        task
        for task in session.scalars(
            select(Task)
            .where(Task.workflow_id == row.workflow_id, Task.kind.in_(REVIEW_KINDS), Task.status != "cancelled")
            .order_by(Task.created_at, Task.id)
        )
    ]
    latest = max(((task.context or {}).get("round", 0) for task in tasks), default=0)
    everything = user.has(*settlement_views.EVERY_STATEMENT)
    found = []
    for task in tasks:
        holder = task_repo.is_holder(task, user.id, user.roles, user.team_id)
        context = task.context or {}
        if context.get("round", 0) == latest and (everything or holder or context.get("team_id") in teams - {None}):
            found.append(ReviewView(task=task, mine=task.status == "open" and holder))
    return found


def _disputes(
    session: Session, user: Principal, row: CommissionSettlement, view: SettlementOut, reviews: list[ReviewView]
) -> list[DisputeView]:
    """Disputes on the statements the reader may read, open ones first."""
    readable = {statement.employee_id: statement.employee_name for statement in view.statements}
    rows = list(
        session.scalars(
            select(CommissionDispute)
            .where(CommissionDispute.settlement_id == row.id, CommissionDispute.employee_id.in_(list(readable)))
            .order_by(CommissionDispute.id)
        )
    )
    lines = settlement_views.lines_of(session, row, sorted({d.employee_id for d in rows}))
    by_line = {
        (employee, line.payment_id, line.kind.value): line for employee, found in lines.items() for line in found
    }
    adjusted = dict(
        session.execute(
            select(CommissionAdjustment.dispute_id, CommissionAdjustment.commission_fen).where(
                CommissionAdjustment.dispute_id.in_([d.id for d in rows])
            )
        ).all()
    )
    reviewing = {(r.task.context or {}).get("team_id") for r in reviews if r.mine and r.task.kind == REVIEW_KINDS[0]}
    in_review = view.status == SettlementStatus.manager_review
    found = [
        DisputeView(
            dispute=settlement_views.dispute_out(d),
            employee_name=readable[d.employee_id],
            line=by_line.get((d.employee_id, d.payment_id, d.kind)),
            adjustment=from_fen(adjusted[d.id]) if d.id in adjusted else None,
            resolvable=in_review
            and d.status == DisputeStatus.open.value
            and (d.team_id in reviewing if d.team_id is not None else user.has(*UNTEAMED_RESOLVERS)),
        )
        for d in rows
    ]
    return sorted(found, key=lambda d: d.dispute.status != DisputeStatus.open)


def review_task(request: Request, user: Principal, period: str, task_id: str) -> Task:
    """The settlement's review task a form acts on (the settlement readable by the person)."""
    with get_db(request).session() as session:
        row = settlements.by_period(session, period)
        task = task_repo.get(session, task_id)
        if task is None or task.workflow_id != row.workflow_id or task.kind not in REVIEW_KINDS:
            raise NotFound()
        if not task_repo.may_see(task, user.id, user.roles, user.team_id):
            raise NotFound()
        return task


# ----------------------------------------------------------------------------- one statement
def statement_context(
    request: Request, user: Principal, period: str, employee_id: int, *, own: bool = False
) -> dict[str, Any]:
    """One statement with its lines; the owner may dispute lines while the review window is open.
    Someone else's statement the reader may not read is answered as missing."""
    with get_db(request).session() as session:
        row = settlements.by_period(session, period)
        view = settlement_views.settlement_view(session, row, viewer_of(user), employee_id=employee_id)
    statement = view.statements[0] if view.statements else None
    if statement is None and not own:
        raise NotFound()
    mine = statement is not None and statement.employee_id == user.id
    return {
        "settlement": view,
        "period": period,
        "statement": statement,
        "may_dispute": mine and view.status == SettlementStatus.employee_review,
        "closed_reason": CLOSED_REASONS.get(view.status) if mine else None,
        "refusal": None,
        "typed": {},
        "stray": False,
    }


def line_of(context: dict[str, Any], payment_id: int | None, kind: str) -> LineOut | None:
    statement = context["statement"]
    lines: list[LineOut] = (statement.lines or []) if statement is not None else []
    return next((line for line in lines if line.payment_id == payment_id and line.kind.value == kind), None)
