"""Commission over the JSON API (API.md "Commission"): the plan, settlements, statements,
disputes and their resolution, recomputation, corrections and the payroll export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from schemas.commission import (
    CorrectionIn,
    CorrectionOut,
    DisputeIn,
    PlanIn,
    PlanOut,
    ResolutionIn,
    SettlementCreated,
    SettlementIn,
    SettlementOut,
    SettlementRow,
    SettlementState,
)
from schemas.commission_math import PERIOD_PATTERN, period_of
from schemas.kernel.errors import NotFound
from schemas.org import Role
from store.db import Database
from store.repo.commission import corrections as settlement_corrections
from store.repo.commission import export as settlement_export
from store.repo.commission import plans as commission_plans
from store.repo.commission import records as settlements
from store.repo.commission import views as settlement_views
from web.commission import actions
from web.shared.auth import ApiUser, Principal, get_db, require_roles, viewer_of
from web.shared.company_time import company_today
from web.shared.downloads import FileFormat, attachment
from web.shared.paths import IdFilter, RecordId
from web.tasks.process_engine import ProcessEngine

router = APIRouter(prefix="/api/commission", tags=["commission"])

Finance = Annotated[Principal, Depends(require_roles(Role.finance, Role.admin))]
Period = Annotated[str, Path(pattern=PERIOD_PATTERN.pattern)]


@router.get("/plan", response_model=PlanOut)
def read_plan(request: Request, user: Finance) -> PlanOut:
    with get_db(request).session() as session:
        plan = commission_plans.current(session, period_of(company_today(request)))
        if plan is None:
            raise NotFound()
        return commission_plans.plan_out(plan)


@router.put("/plan", response_model=PlanOut)
def save_plan(request: Request, body: PlanIn, user: Finance) -> PlanOut:
    """A new version, effective from ``effective_from`` (this period when left out)."""
    with get_db(request).session() as session:
        plan = commission_plans.save(
            session, actor_id=user.id, plan=body, current_period=period_of(company_today(request))
        )
        return commission_plans.plan_out(plan)


@router.post("/settlements", response_model=SettlementCreated, status_code=201)
async def open_settlement(request: Request, body: SettlementIn, user: Finance) -> SettlementCreated:
    return await actions.open_settlement(
        get_db(request), ProcessEngine.of(request), user, body.period, company_today(request)
    )


@router.get("/settlements", response_model=list[SettlementRow])
def list_settlements(request: Request, user: ApiUser) -> list[SettlementRow]:
    with get_db(request).session() as session:
        return settlement_views.list_settlements(session, viewer_of(user))


@router.get("/settlements/{period}", response_model=SettlementOut)
def read_settlement(
    request: Request,
    period: Period,
    user: ApiUser,
    lines: Annotated[bool, Query()] = True,
    employee_id: IdFilter = None,
) -> SettlementOut:
    """Finance, admin and department heads read every statement, a manager their teams', a
    salesperson their own."""
    with get_db(request).session() as session:
        row = settlements.by_period(session, period)
        return settlement_views.settlement_view(
            session, row, viewer_of(user), with_lines=lines, employee_id=employee_id
        )


def export_response(db: Database, user: Principal, period: str, file_format: FileFormat) -> Response:
    """The payroll file of a settlement (finance and admin), for the API and the page alike."""
    with db.session() as session:
        row = settlements.by_period(session, period)
        rows = settlement_export.export_rows(session, row, viewer_of(user), file_format)
    content = settlement_export.as_csv(rows) if file_format == "csv" else settlement_export.as_xlsx(rows)
    return attachment(content, file_format, f"commission-{period}")


@router.get("/settlements/{period}/export.{file_format}")
def export(request: Request, period: Period, file_format: FileFormat, user: Finance) -> Response:
    return export_response(get_db(request), user, period, file_format)


@router.post("/settlements/{period}/disputes", status_code=201)
async def dispute(request: Request, period: Period, body: DisputeIn, user: ApiUser) -> dict[str, int]:
    """The caller disputes a line of their own statement while the review window is open."""
    return {"id": await actions.dispute_line(get_db(request), ProcessEngine.of(request), user, period, body)}


@router.post("/settlements/{period}/disputes/{dispute_id}/resolve", response_model=SettlementState)
async def resolve(
    request: Request, period: Period, dispute_id: RecordId, body: ResolutionIn, user: ApiUser
) -> SettlementState:
    return await actions.resolve_dispute(get_db(request), ProcessEngine.of(request), user, period, dispute_id, body)


@router.post("/settlements/{period}/recompute", response_model=SettlementState)
async def recompute(request: Request, period: Period, user: Finance) -> SettlementState:
    return await actions.recompute(get_db(request), ProcessEngine.of(request), user, period)


@router.post("/corrections", response_model=CorrectionOut, status_code=201)
def correct(request: Request, body: CorrectionIn, user: Finance) -> CorrectionOut:
    """A correction to a locked period, added to the next settlement still open to changes."""
    with get_db(request).session() as session:
        row = settlement_corrections.add_correction(session, actor_id=user.id, correction=body)
        return settlement_views.correction_out(session, row)
