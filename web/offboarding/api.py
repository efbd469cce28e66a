"""Offboarding over the JSON API (API.md "Offboarding"), checklist templates and the team's
experience notes."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from schemas.offboarding import (
    TEMPLATE_ROLES,
    CancelIn,
    ChecklistTemplate,
    OffboardingCreated,
    OffboardingIn,
    OffboardingOut,
    OffboardingState,
)
from schemas.org import Role
from store.repo.offboarding import checklist_templates as handover_templates
from store.repo.offboarding import records as case_repo
from web.offboarding import actions
from web.shared.auth import ApiUser, Principal, get_db, require_roles, viewer_of
from web.shared.company_time import company_today
from web.shared.paths import RecordId
from web.tasks.process_engine import ProcessEngine

router = APIRouter(prefix="/api", tags=["offboarding"])

CaseId = RecordId
Starter = Annotated[Principal, Depends(require_roles(Role.hr, Role.sales_manager, Role.department_head, Role.admin))]
Admin = Annotated[Principal, Depends(require_roles(Role.admin))]
TemplateRole = Annotated[Literal[TEMPLATE_ROLES], Path()]  # type: ignore[valid-type]


class CompleteIn(BaseModel):
    comment: str | None = Field(default=None, max_length=2000)
    # Before the last working day: ``early`` true and why, else 409 ``early_departure``.
    early: bool = False
    early_reason: str | None = Field(default=None, max_length=500)


class OffboardingRow(BaseModel):
    id: int
    employee_id: int
    employee_name: str
    status: str
    last_day: str
    workflow_id: str


class ExperienceNoteOut(BaseModel):
    id: int
    author_id: int
    team_id: int | None
    body: str
    created_at: str


@router.post("/offboardings", response_model=OffboardingCreated, status_code=201)
async def start(request: Request, body: OffboardingIn, user: Starter) -> OffboardingCreated:
    return await actions.start_offboarding(
        get_db(request), ProcessEngine.of(request), user, body, company_today(request)
    )


@router.get("/offboardings", response_model=list[OffboardingRow])
def list_cases(
    request: Request,
    user: ApiUser,
    status: Annotated[Literal["open", "handover", "review", "final", "completed", "cancelled"] | None, Query()] = None,
) -> list[OffboardingRow]:
    with get_db(request).session() as session:
        cases = case_repo.list_cases(session, viewer_of(user), status=status)
        names = case_repo.employee_names(session, {case.employee_id for case in cases})
        return [
            OffboardingRow(
                id=case.id,
                employee_id=case.employee_id,
                employee_name=names.get(case.employee_id, ""),
                status=case.status,
                last_day=case.last_day.isoformat(),
                workflow_id=case.workflow_id,
            )
            for case in cases
        ]


@router.get("/offboardings/{case_id}", response_model=OffboardingOut)
def read_case(request: Request, case_id: CaseId, user: ApiUser) -> OffboardingOut:
    with get_db(request).session() as session:
        return case_repo.case_view(session, case_repo.readable(session, viewer_of(user), case_id))


@router.post("/offboardings/{case_id}/complete", response_model=OffboardingState)
async def complete(
    request: Request, case_id: CaseId, user: ApiUser, body: CompleteIn | None = None
) -> OffboardingState:
    body = body or CompleteIn()
    return await actions.complete_offboarding(
        get_db(request),
        ProcessEngine.of(request),
        user,
        case_id,
        body.comment,
        early=body.early,
        early_reason=body.early_reason,
    )


@router.post("/offboardings/{case_id}/cancel", response_model=OffboardingState)
async def cancel(request: Request, case_id: CaseId, user: ApiUser, body: CancelIn | None = None) -> OffboardingState:
    reason = body.reason if body else ""
    return await actions.cancel_offboarding(get_db(request), ProcessEngine.of(request), user, case_id, reason)


@router.get("/offboarding-templates/{role}", response_model=ChecklistTemplate)
def read_template(request: Request, role: TemplateRole, user: Admin) -> ChecklistTemplate:
    with get_db(request).session() as session:
        return handover_templates.get_template(session, role)


@router.put("/offboarding-templates/{role}", response_model=ChecklistTemplate)
def save_template(request: Request, role: TemplateRole, body: ChecklistTemplate, user: Admin) -> ChecklistTemplate:
    with get_db(request).session() as session:
        return handover_templates.put_template(session, actor_id=user.id, role=role, template=body)


@router.get("/experience-notes", response_model=list[ExperienceNoteOut])
def experience_notes(request: Request, user: ApiUser) -> list[ExperienceNoteOut]:
    """What leavers wrote down, for their team (managers see their teams', heads and admin all)."""
    with get_db(request).session() as session:
        return [
            ExperienceNoteOut(
                id=note.id,
                author_id=note.author_id,
                team_id=note.team_id,
                body=note.body,
                created_at=note.created_at.isoformat(),
            )
            for note in case_repo.experience_notes(session, viewer_of(user))
        ]
