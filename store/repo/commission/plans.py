"""The commission plan's versions. Saving never edits a version: it adds the next one, effective
from a period on, so every settlement keeps the version it was computed with."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.commission import PlanIn, PlanOut, PlanPeriodLocked, SettlementStatus
from schemas.commission_math import parse_period
from schemas.kernel.errors import N_, InvalidInput
from store.models import CommissionPlan, CommissionSettlement, Service
from store.repo.audit import chain as audit


def in_force(session: Session, period: str) -> CommissionPlan | None:
    """The newest version effective on the period's first day."""
    return session.scalars(
        select(CommissionPlan)
        .where(CommissionPlan.effective_from <= parse_period(period))
        .order_by(CommissionPlan.effective_from.desc(), CommissionPlan.version.desc())
        .limit(1)
    ).first()


def current(session: Session, period: str) -> CommissionPlan | None:
    """The plan in force now, or else the next one to take effect."""
    return (
        in_force(session, period)
        or session.scalars(
            select(CommissionPlan).order_by(CommissionPlan.effective_from, CommissionPlan.version.desc()).limit(1)
        ).first()
    )


def save(session: Session, *, actor_id: int, plan: PlanIn, current_period: str) -> CommissionPlan:
    effective = plan.effective_from or current_period
    unknown = sorted(set(plan.service_rates) - set(session.scalars(select(Service.code))))
    if unknown:
        raise InvalidInput(
            details=[
                {
                    "field": "service_rates",
                    "code": "unknown_service",
                    "message": N_("Unknown service: %(codes)s"),
                    "params": {"codes": ", ".join(unknown)},
                }
            ]
        )
    last_locked = session.scalar(
        select(func.max(CommissionSettlement.period)).where(CommissionSettlement.status == SettlementStatus.locked)
    )
    if last_locked is not None and effective <= last_locked:
        raise PlanPeriodLocked()
    replaced = in_force(session, effective)  # what the period ran on until now
    version = (session.scalar(select(func.max(CommissionPlan.version))) or 0) + 1
    row = CommissionPlan(
        version=version,
        effective_from=parse_period(effective),
        tiers=[{"from": str(tier.from_), "rate": str(tier.rate)} for tier in plan.tiers],
        service_rates={code: str(rate) for code, rate in sorted(plan.service_rates.items())},
        hold_forfeit_days=plan.hold_forfeit_days,
        created_by=actor_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="commission.plan",
        entity="commission_plan",
        entity_id=version,
        detail={
            "effective_from": effective,
            "tiers": row.tiers,
            "service_rates": row.service_rates,
            "hold_forfeit_days": row.hold_forfeit_days,
            "before": _audited_terms(replaced),
            "after": _audited_terms(row),
        },
    )
    return row


def _audited_terms(plan: CommissionPlan | None) -> dict[str, Any] | None:
    """A plan version's terms as the audit log keeps them, so a change shows what it replaced."""
    if plan is None:
        return None
    return {
        "version": plan.version,
        "effective_from": plan.effective_from.strftime("%Y-%m"),
        "tiers": plan.tiers,
        "service_rates": plan.service_rates,
        "hold_forfeit_days": plan.hold_forfeit_days,
    }


def plan_out(plan: CommissionPlan) -> PlanOut:
    return PlanOut(
        version=plan.version,
        effective_from=plan.effective_from.strftime("%Y-%m"),
        tiers=plan.tiers,
        service_rates=plan.service_rates,
        hold_forfeit_days=plan.hold_forfeit_days,
        created_by=plan.created_by,
        created_at=plan.created_at,
    )
