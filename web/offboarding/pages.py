"""Offboarding pages: the case list with the start form, the case page where everyone does their
part (checklist items with their evidence, the reassignment plan, the sign-offs, HR's final
confirmation or cancellation), the leaver's own view, and the printable handover report.

Every action goes through the same calls as the JSON API: ``web.offboarding.actions`` to start,
complete or cancel, ``task_actions.complete_task`` for an item, the plan or a sign-off (which runs
the evidence check and the workflow's validator). Forms post with HTMX and get the case back as a
fragment; a refusal comes back in the same fragment, shown at the form it came from, with its
status code kept. Without JavaScript the same forms post normally and get a redirect or the page.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from schemas.kernel.errors import BatonError, Forbidden, NotFound
from schemas.org import Role
from store.db import Database
from store.models import Task
from store.repo.offboarding import pages as pages_repo
from store.repo.offboarding import records as case_repo
from store.repo.tasks import records as task_repo
from web.offboarding import actions
from web.offboarding.forms import Submitted, read_step, start_body, step_body
from web.offboarding.labels import LIST_FILTERS
from web.offboarding.plan import chosen_load
from web.offboarding.views import case_context, final_confirmation, refusal_of, sign_offs
from web.shared.answers import go_to, is_htmx
from web.shared.auth import PageUser, Principal, get_db, viewer_of
from web.shared.company_time import company_today
from web.shared.csrf import verify_csrf
from web.shared.paths import RecordId, TaskId
from web.shared.templating import render
from web.tasks import actions as task_actions
from web.tasks.process_engine import ProcessEngine

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])
READERS = (Role.sales, Role.sales_manager, Role.department_head, Role.hr, Role.finance, Role.admin)
STARTERS = (Role.hr, Role.sales_manager, Role.department_head, Role.admin)
CaseId = RecordId


@router.get("/offboardings")
def case_list(request: Request, user: PageUser, status: Annotated[str, Query(max_length=30)] = "") -> Response:
    status = status if status in LIST_FILTERS else ""
    context = _list_context(get_db(request), user, status, company_today(request))
    template = "offboarding/_rows.html" if is_htmx(request) else "offboarding/index.html"
    return render(request, template, context)


@router.post("/offboardings")
async def start_from_page(request: Request, user: PageUser) -> Response:
    form = await request.form()
    db, today = get_db(request), company_today(request)
    try:
        if not user.has(*STARTERS):
            raise Forbidden()
        created = await actions.start_offboarding(db, ProcessEngine.of(request), user, start_body(form), today)
    except BatonError as exc:
        context = await run_in_threadpool(_list_context, db, user, "", today)
        context.update({"refusal": refusal_of(exc, "start"), "form": dict(form)})
        template = "offboarding/_start.html" if is_htmx(request) else "offboarding/index.html"
        return render(request, template, context, status_code=exc.status)
    return go_to(request, f"/offboardings/{created.id}")


@router.get("/offboardings/mine")
def my_case(request: Request, user: PageUser) -> Response:
    with get_db(request).session() as session:
        case = case_repo.open_case_of(session, user.id)
    if case is None:
        raise NotFound()
    return RedirectResponse(f"/offboardings/{case.id}", status_code=303)


@router.get("/offboardings/{case_id}")
def case_page(case_id: CaseId, request: Request, user: PageUser) -> Response:
    return render(request, "offboarding/detail.html", _case(request, user, case_id))


@router.get("/offboardings/{case_id}/report")
def report_page(case_id: CaseId, request: Request, user: PageUser) -> Response:
    context = _case(request, user, case_id)
    context.update(
        {
            "sign_offs": sign_offs(context["entries"], context["item_titles"]),
            "final": final_confirmation(context["entries"]),
        }
    )
    return render(request, "offboarding/report.html", context)


@router.post("/offboardings/{case_id}/plan-load")
async def plan_load(case_id: CaseId, request: Request, user: PageUser) -> Response:
    """The per-successor summary for the successors chosen in the plan's selects so far."""
    chosen = read_step(await request.form()).successors
    db, zone = get_db(request), _zone(request)

    def read() -> dict[str, Any]:
        with db.session() as session:
            case = case_repo.readable(session, viewer_of(user), case_id)
            load = chosen_load(session, case_repo.case_view(session, case), chosen, zone)
            return {"load": load, "names": case_repo.employee_names(session, {row.person_id for row in load})}

    return render(request, "offboarding/_plan_load.html", await run_in_threadpool(read))


@router.post("/offboardings/{case_id}/tasks/{task_id}")
async def act_on_step(
    case_id: CaseId, task_id: TaskId, request: Request, user: PageUser, action: Annotated[str, Form(max_length=40)] = ""
) -> Response:
    """An item done, the plan approved, a sign-off given or refused, from the case page."""
    db = get_db(request)
    task = await run_in_threadpool(_step, db, user, case_id, task_id)
    submitted = read_step(await request.form())
    try:
        await task_actions.complete_task(
            db, ProcessEngine.of(request), user, task_id, step_body(task, action, submitted)
        )
    except BatonError as exc:
        return await _case_with_refusal(request, user, case_id, exc, task_id, task.kind, submitted)
    return await _case_answer(request, user, case_id, f"#task-{task_id}")


@router.post("/offboardings/{case_id}/complete")
async def complete_from_page(
    case_id: CaseId,
    request: Request,
    user: PageUser,
    comment: Annotated[str, Form(max_length=2000)] = "",
    early: Annotated[str, Form(max_length=10)] = "",
    early_reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """HR confirms the departure; while anything is open, every blocker is shown at the button.
    Before the last working day the form asks to tick "early departure" and say why."""
    try:
        await actions.complete_offboarding(
            get_db(request),
            ProcessEngine.of(request),
            user,
            case_id,
            comment.strip() or None,
            early=bool(early),
            early_reason=early_reason,
        )
    except BatonError as exc:
        typed = Submitted(comment=comment, early=bool(early), early_reason=early_reason)
        return await _case_with_refusal(request, user, case_id, exc, "complete", "", typed)
    return await _case_answer(request, user, case_id, "")


@router.post("/offboardings/{case_id}/cancel")
async def cancel_from_page(
    case_id: CaseId, request: Request, user: PageUser, reason: Annotated[str, Form(max_length=500)] = ""
) -> Response:
    try:
        await actions.cancel_offboarding(get_db(request), ProcessEngine.of(request), user, case_id, reason.strip())
    except BatonError as exc:
        return await _case_with_refusal(request, user, case_id, exc, "cancel", "", Submitted(comment=reason))
    return await _case_answer(request, user, case_id, "")


# ---------------------------------------------------------------- helpers
def _list_context(db: Database, user: Principal, status: str, today: date) -> dict[str, Any]:
    if not user.has(*READERS):
        raise Forbidden()
    viewer = viewer_of(user)
    with db.session() as session:
        cases = case_repo.list_cases(session, viewer, status=status or None)
        names = case_repo.employee_names(session, {case.employee_id for case in cases})
        progress = pages_repo.progress(session, [case.id for case in cases])
        people = pages_repo.startable(session, viewer) if user.has(*STARTERS) else []
    return {
        "cases": cases,
        "names": names,
        "progress": progress,
        "status": status,
        "filters": LIST_FILTERS,
        "startable": [(person.id, person.name) for person in people],
        "refusal": None,
        "form": {},
        "today": today,
    }


def _step(db: Database, user: Principal, case_id: int, task_id: str) -> Task:
    """The case's task the form acts on (the case readable by the person, the task its own)."""
    with db.session() as session:
        case = case_repo.readable(session, viewer_of(user), case_id)
        task = task_repo.get(session, task_id)
        if task is None or task.process != pages_repo.PROCESS or task.process_id != str(case.id):
            raise NotFound()
        return task


def _zone(request: Request) -> ZoneInfo:
    return ZoneInfo(request.app.state.settings.timezone)


def _case(request: Request, user: Principal, case_id: int) -> dict[str, Any]:
    """The case page's data for this reader, money counted and dates judged in company time."""
    return _case_page(get_db(request), user, case_id, _zone(request), company_today(request))


def _case_page(db: Database, user: Principal, case_id: int, zone: ZoneInfo, today: date) -> dict[str, Any]:
    with db.session() as session:
        case = case_repo.readable(session, viewer_of(user), case_id)
        context = case_context(session, user, case, zone)
    context["today"] = today
    return context


async def _case_answer(request: Request, user: Principal, case_id: int, anchor: str) -> Response:
    """After an action: the case as it now stands (the process writes what the action changed
    before it answers)."""
    if not is_htmx(request):
        return RedirectResponse(f"/offboardings/{case_id}{anchor}", status_code=303)
    context = await run_in_threadpool(_case, request, user, case_id)
    return render(request, "offboarding/_case.html", context)


async def _case_with_refusal(
    request: Request, user: Principal, case_id: int, exc: BatonError, where: str, kind: str, submitted: Submitted
) -> Response:
    """The case again, the refusal at the form it came from and what was typed still in it."""
    context = await run_in_threadpool(_case, request, user, case_id)
    refusal = refusal_of(exc, where, kind, context["customer_names"], context["item_titles"])
    context.update({"refusal": refusal, "submitted": submitted})
    template = "offboarding/_case.html" if is_htmx(request) else "offboarding/detail.html"
    return render(request, template, context, status_code=refusal.status)
