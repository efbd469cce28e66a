"""The inbox: one list of everything waiting for me, a task page with its context and the form
to act, claim/release for role tasks, and my out-of-office delegate."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse, Response

from schemas.kernel.errors import BatonError, NotFound
from schemas.tasks import CompleteTaskIn, TaskOut, TaskStatus
from store.db import Database
from store.repo.audit import chain as audit
from store.repo.customers.profile import names as employee_names
from store.repo.tasks import delegations
from store.repo.tasks.subjects import subject_of
from web.shared.auth import PageUser, Principal, get_db
from web.shared.company_time import company_today
from web.shared.csrf import verify_csrf
from web.shared.paths import RecordId
from web.shared.templating import render
from web.tasks import actions
from web.tasks.facts import decision_label, task_facts
from web.tasks.process_engine import ProcessEngine
from web.tasks.visible import holds, inbox, open_count, visible_task

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])

ProcessFilter = Literal["offboarding", "order", "commission", "alert"]
StatusFilter = Literal["open", "done", "cancelled"]


@router.get("/inbox")
def inbox_page(
    request: Request,
    user: PageUser,
    process: Annotated[ProcessFilter | None, Query()] = None,
    status: Annotated[StatusFilter, Query()] = "open",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    size = 25
    with get_db(request).session() as session:
        tasks, total = inbox(session, user, status=status, process=process, limit=size, offset=(page - 1) * size)
        names = employee_names(session, {t.assignee_id for t in tasks} | {t.escalated_to_id for t in tasks})
    context = {
        "tasks": tasks,
        "total": total,
        "process": process,
        "status": status,
        "page": page,
        "pages": max(1, -(-total // size)),
        "names": names,
        "me": user.id,
    }
    template = "tasks/_list.html" if request.headers.get("hx-request") else "tasks/inbox.html"
    return render(request, template, context)


@router.get("/inbox/count")
def inbox_count(request: Request, user: PageUser) -> Response:
    with get_db(request).session() as session:
        count = open_count(session, user)
    return render(request, "tasks/_count.html", {"count": count})


@router.get("/tasks/{task_id}")
def task_page(task_id: str, request: Request, user: PageUser) -> Response:
    return render(request, "tasks/detail.html", _task_context(get_db(request), _timezone(request), user, task_id))


@router.get("/tasks/{task_id}/trail")
def task_trail(task_id: str, request: Request, user: PageUser) -> Response:
    """What happened on the task, loaded after the panel so acting on a task answers at once."""
    with get_db(request).session() as session:
        if visible_task(session, user, task_id) is None:
            raise NotFound()
        trail = audit.entries_for(session, "task", task_id)
        names = employee_names(session, {entry.actor_id for entry in trail})
    return render(request, "tasks/_trail.html", {"trail": trail, "names": names})


@router.post("/tasks/{task_id}/complete")
async def complete_from_page(
    task_id: str,
    request: Request,
    user: PageUser,
    action: Annotated[str, Form(max_length=40)],
    comment: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    try:
        view = await actions.complete_task(
            get_db(request),
            ProcessEngine.of(request),
            user,
            task_id,
            CompleteTaskIn(action=action, comment=comment.strip() or None),
        )
    except BatonError as exc:
        return await _panel_with_error(request, user, task_id, exc)
    return await _panel(request, user, task_id, view=view, done_message=True)


@router.post("/tasks/{task_id}/claim")
async def claim_from_page(task_id: str, request: Request, user: PageUser) -> Response:
    return await _claim(request, user, task_id, release=False)


@router.post("/tasks/{task_id}/unclaim")
async def unclaim_from_page(task_id: str, request: Request, user: PageUser) -> Response:
    return await _claim(request, user, task_id, release=True)


@router.get("/me/away")
def away_page(request: Request, user: PageUser) -> Response:
    return render(request, "tasks/away.html", _away_context(get_db(request), user, company_today(request)))


@router.post("/me/away")
def set_away(
    request: Request,
    user: PageUser,
    delegate_id: Annotated[int, Form()],
    starts_on: Annotated[date, Form()],
    ends_on: Annotated[date, Form()],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    try:
        with get_db(request).session() as session:
            delegations.create(
                session,
                employee_id=user.id,
                delegate_id=delegate_id,
                starts_on=starts_on,
                ends_on=ends_on,
                reason=reason.strip(),
                actor_id=user.id,
            )
    except BatonError as exc:
        context = {
            **_away_context(get_db(request), user, company_today(request)),
            "error": exc,
            "form": {"delegate_id": delegate_id, "starts_on": starts_on, "ends_on": ends_on, "reason": reason},
        }
        return render(request, "tasks/away.html", context, status_code=exc.status)
    return RedirectResponse("/me/away", status_code=303)


@router.post("/me/away/{delegation_id}/cancel")
def cancel_away(delegation_id: RecordId, request: Request, user: PageUser) -> Response:
    with get_db(request).session() as session:
        delegations.cancel(session, delegation_id=delegation_id, employee_id=user.id, actor_id=user.id)
    return RedirectResponse("/me/away", status_code=303)


# ---------------------------------------------------------------- helpers
def _timezone(request: Request) -> str:
    timezone: str = request.app.state.settings.timezone
    return timezone


def _task_context(
    db: Database, timezone: str, user: Principal, task_id: str, view: TaskOut | None = None
) -> dict[str, object]:
    """The task page's data (times in the company's ``timezone``); ``view`` is the workflow's
    fresher answer right after an action."""
    with db.session() as session:
        task = visible_task(session, user, task_id)
        if task is None:
            raise NotFound()
        holder = holds(user, task)
        view = view or actions.task_out(task)
        names = employee_names(
            session,
            {
                task.assignee_id,
                task.escalated_to_id,
                task.delegated_from_id,
                task.completed_by,
                view.completed_by,
                view.assignee_id,
            },
        )
        facts = task_facts(task, subject_of(session, task), timezone)
    is_open = view.status == TaskStatus.open
    return {
        "task": task,
        "view": view,
        "names": names,
        "facts": facts,
        "decision": decision_label(view.decision),
        "may_act": holder and is_open,
        "claimable": task.candidate_role is not None and is_open,
        "claimed_by_me": view.assignee_id == user.id,
    }


async def _panel(
    request: Request,
    user: Principal,
    task_id: str,
    *,
    view: TaskOut | None = None,
    done_message: bool = False,
    error: BatonError | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = await run_in_threadpool(_task_context, get_db(request), _timezone(request), user, task_id, view)
    context.update({"done_message": done_message, "error": error})
    return render(request, "tasks/_panel.html", context, status_code=status_code)


async def _panel_with_error(request: Request, user: Principal, task_id: str, exc: BatonError) -> HTMLResponse:
    try:
        return await _panel(request, user, task_id, error=exc, status_code=exc.status)
    except NotFound:
        raise exc from None


async def _claim(request: Request, user: Principal, task_id: str, *, release: bool) -> Response:
    try:
        view = await actions.claim_task(get_db(request), ProcessEngine.of(request), user, task_id, release=release)
    except BatonError as exc:
        return await _panel_with_error(request, user, task_id, exc)
    response = await _panel(request, user, task_id, view=view)
    if release:
        response.headers["HX-Redirect"] = "/inbox"
    return response


def _away_context(db: Database, user: Principal, today: date) -> dict[str, object]:
    with db.session() as session:
        rows = delegations.for_employee(session, user.id)
        people = delegations.colleagues(session, user.id)
        names = {p.id: p.name for p in people}
        names.update(employee_names(session, {r.delegate_id for r in rows}))
    return {"delegations": rows, "colleagues": people, "names": names, "today": today, "form": {}}
