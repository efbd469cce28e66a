"""Commission pages: the settlements (finance opens a month), the plan and its new versions, a
settlement with its statements, disputes and reviews, and one statement line by line.

Every action goes through the same calls as the JSON API: ``web.commission.actions`` to open,
dispute, resolve and recompute, ``task_actions.complete_task`` for a review decision (which runs
the workflow's validator: a team is not approved while one of its disputes is open). Forms post
with HTMX and get back the part of the page they changed; a refusal comes back in the same part,
shown at the form it came from, with its status code kept. Without JavaScript the same forms
post normally and get a redirect or the whole page.

While a settlement is computed its progress bar asks ``/progress`` every second; once the run is
published that answer is the whole settlement, which replaces the page's and stops the polling.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from schemas.kernel.errors import N_, BatonError, Forbidden
from schemas.kernel.i18n import gettext_
from schemas.kernel.ids import MAX_ID
from schemas.org import Role
from web.commission import actions
from web.commission.api import Period, export_response
from web.commission.forms import dispute_body, period_body, problem_rows, read_plan, resolution_body, task_body
from web.commission.views import (
    MANAGERS,
    current_run,
    line_of,
    list_context,
    plan_context,
    progress_context,
    review_task,
    save_plan,
    settlement_context,
    statement_context,
)
from web.offboarding.views import refusal_of
from web.shared.answers import go_to, is_htmx
from web.shared.auth import PageUser, Principal, get_db, require_roles
from web.shared.company_time import company_today
from web.shared.csrf import verify_csrf
from web.shared.downloads import FileFormat
from web.shared.paths import RecordId, TaskId
from web.shared.templating import render
from web.tasks import actions as task_actions
from web.tasks.process_engine import ProcessEngine

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])
PageFinance = Annotated[Principal, Depends(require_roles(Role.finance, Role.admin, page=True))]
Text = Annotated[str, Form(max_length=4000)]
RECOMPUTING = N_("Recomputing: a new draft replaces this one and the employees get a fresh review window.")
DECIDED = N_("Your decision is recorded.")


@router.get("/commission")
def settlement_list(request: Request, user: PageUser) -> Response:
    return render(request, "commission/index.html", list_context(get_db(request), user, company_today(request)))


@router.post("/commission")
async def open_from_page(
    request: Request, user: PageUser, period: Annotated[str, Form(max_length=40)] = ""
) -> Response:
    db, today = get_db(request), company_today(request)
    try:
        if not user.has(*MANAGERS):
            raise Forbidden()
        created = await actions.open_settlement(db, ProcessEngine.of(request), user, period_body(period), today)
    except BatonError as exc:
        context = await run_in_threadpool(list_context, db, user, today)
        context.update({"refusal": refusal_of(exc, "open"), "period": period})
        template = "commission/_open.html" if is_htmx(request) else "commission/index.html"
        return render(request, template, context, status_code=context["refusal"].status)
    return go_to(request, f"/commission/{created.period}")


@router.get("/commission/plan")
def plan_page(
    request: Request, user: PageFinance, saved: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None
) -> Response:
    context = plan_context(get_db(request), company_today(request))
    return render(request, "commission/plan.html", {**context, "saved": saved})


@router.post("/commission/plan")
async def save_plan_from_page(request: Request, user: PageFinance) -> Response:
    typed = read_plan(await request.form())
    db, today = get_db(request), company_today(request)
    try:
        version = await run_in_threadpool(save_plan, db, user, typed, today)
    except BatonError as exc:
        context = await run_in_threadpool(plan_context, db, today)
        context.update(
            {
                "refusal": refusal_of(exc, "plan"),
                "form": typed.padded(),
                "problem_rows": problem_rows(exc.details),
                "saved": None,
            }
        )
        template = "commission/_plan_form.html" if is_htmx(request) else "commission/plan.html"
        return render(request, template, context, status_code=context["refusal"].status)
    return go_to(request, f"/commission/plan?saved={version}")


@router.get("/commission/{period}")
def settlement_page(period: Period, request: Request, user: PageUser) -> Response:
    return render(request, "commission/detail.html", settlement_context(get_db(request), user, period))


@router.get("/commission/{period}/export.{file_format}")
def export_from_page(period: Period, file_format: FileFormat, request: Request, user: PageFinance) -> Response:
    return export_response(get_db(request), user, period, file_format)


@router.get("/commission/{period}/progress")
def progress_fragment(
    period: Period, request: Request, user: PageUser, after_run: Annotated[int, Query(ge=0, le=MAX_ID)] = 0
) -> Response:
    """The bar while computing; then the whole settlement, in place of the page's."""
    db = get_db(request)
    progress = progress_context(db, user, period, after_run)
    if progress is not None:
        return render(request, "commission/_progress.html", progress)
    response = render(request, "commission/_settlement.html", settlement_context(db, user, period, after_run))
    response.headers.update({"HX-Retarget": "#settlement", "HX-Reswap": "outerHTML"})
    return response


@router.post("/commission/{period}/recompute")
async def recompute_from_page(period: Period, request: Request, user: PageFinance) -> Response:
    db = get_db(request)
    before = await run_in_threadpool(current_run, db, period)
    try:
        await actions.recompute(db, ProcessEngine.of(request), user, period)
    except BatonError as exc:
        return await _settlement_answer(request, user, period, refusal=refusal_of(exc, "recompute"))
    return await _settlement_answer(request, user, period, after_run=before, notice=RECOMPUTING)


@router.post("/commission/{period}/tasks/{task_id}")
async def decide_review(
    period: Period,
    task_id: TaskId,
    request: Request,
    user: PageUser,
    action: Annotated[str, Form(max_length=40)] = "",
    comment: Text = "",
) -> Response:
    """A team approved by its reviewer, or the settlement approved or sent back by finance."""
    db = get_db(request)
    task = await run_in_threadpool(review_task, db, user, period, task_id)
    try:
        await task_actions.complete_task(
            db, ProcessEngine.of(request), user, task_id, task_body(action, comment.strip())
        )
    except BatonError as exc:
        return await _settlement_answer(
            request, user, period, refusal=refusal_of(exc, task.id, task.kind), typed={"comment": comment}
        )
    return await _settlement_answer(request, user, period, notice=DECIDED)


@router.post("/commission/{period}/disputes/{dispute_id}/resolve")
async def resolve_from_page(
    period: Period,
    dispute_id: RecordId,
    request: Request,
    user: PageUser,
    decision: Annotated[str, Form(max_length=20)] = "",
    amount: Annotated[str, Form(max_length=40)] = "",
    reason: Text = "",
) -> Response:
    """The reviewer adjusts (an amount and the reason) or rejects (the reason) a dispute; the
    answer is the disputes panel, with the statements table refreshed beside it."""
    db = get_db(request)
    await run_in_threadpool(settlement_context, db, user, period)  # as missing when not readable
    typed = {"amount": amount.strip(), "reason": reason.strip()}
    try:
        body = resolution_body(decision, typed["amount"], typed["reason"])
        await actions.resolve_dispute(db, ProcessEngine.of(request), user, period, dispute_id, body)
    except BatonError as exc:
        return await _settlement_answer(
            request,
            user,
            period,
            refusal=refusal_of(exc, f"dispute-{dispute_id}"),
            typed=typed,
            template="commission/_disputes.html",
        )
    return await _settlement_answer(request, user, period, template="commission/_resolved.html", anchor="#disputes")


@router.get("/commission/{period}/mine")
def my_statement(period: Period, request: Request, user: PageUser) -> Response:
    context = statement_context(get_db(request), user, period, user.id, own=True)
    return render(request, "commission/statement.html", context)


@router.get("/commission/{period}/statement/{employee_id}")
def statement_page(period: Period, employee_id: RecordId, request: Request, user: PageUser) -> Response:
    context = statement_context(get_db(request), user, period, employee_id)
    return render(request, "commission/statement.html", context)


@router.post("/commission/{period}/disputes")
async def dispute_from_page(
    period: Period,
    request: Request,
    user: PageUser,
    payment_id: Annotated[str, Form(max_length=20)] = "",
    kind: Annotated[str, Form(max_length=20)] = "",
    comment: Text = "",
) -> Response:
    """The owner disputes a line of their statement; the answer is that line's row."""
    where = f"line-{payment_id}-{kind}"
    db, refusal = get_db(request), None
    try:
        body = dispute_body(payment_id, kind, comment.strip())
        await actions.dispute_line(db, ProcessEngine.of(request), user, period, body)
    except BatonError as exc:
        refusal = refusal_of(exc, where)
    if refusal is None and not is_htmx(request):
        return RedirectResponse(f"/commission/{period}/mine#{where}", status_code=303)
    context = await run_in_threadpool(statement_context, db, user, period, user.id, own=True)
    line = line_of(context, int(payment_id) if payment_id.isdigit() else None, kind)
    context.update({"refusal": refusal, "typed": {"comment": comment}, "stray": line is None})
    status = refusal.status if refusal else 200
    if not is_htmx(request) or line is None:
        return render(request, "commission/statement.html", context, status_code=status)
    return render(request, "commission/_line.html", {**context, "line": line}, status_code=status)


# ---------------------------------------------------------------- helpers
async def _settlement_answer(
    request: Request,
    user: Principal,
    period: str,
    *,
    refusal: Any = None,
    typed: dict[str, str] | None = None,
    notice: str | None = None,
    after_run: int = 0,
    template: str = "commission/_settlement.html",
    anchor: str = "",
) -> Response:
    """After an action on the settlement page: the part it changed as it now stands (the process
    writes what the action changed before it answers), the refusal at its form."""
    if refusal is None and not is_htmx(request):
        return RedirectResponse(f"/commission/{period}{anchor}", status_code=303)
    context = await run_in_threadpool(settlement_context, get_db(request), user, period, after_run)
    context.update({"refusal": refusal, "typed": typed or {}, "notice": gettext_(notice) if notice else None})
    status = refusal.status if refusal is not None else 200
    return render(request, template if is_htmx(request) else "commission/detail.html", context, status_code=status)
