"""Risk alert pages: the dashboard (counts, trend, the filtered list, the last scan and, for admin,
"scan now" with its live progress), one alert with the data behind it and its follow-up, and the
rules' settings.

Every action goes through the same calls as the JSON API: ``start_scan`` starts a
scan without waiting (the page follows its ``risk_scans`` row every second, then refreshes the
figures and the list in the same answer), ``complete_task`` acknowledges or resolves
(the follow-up's validator requires the note), ``alert_rules.change`` saves a rule whole or not
at all. Forms post with HTMX and get back the part they changed, a refusal shown at its form with
its status code kept; without JavaScript they post normally and get a redirect or the page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from schemas.kernel.errors import N_, BatonError, NotFound
from schemas.kernel.i18n import gettext_
from schemas.kernel.ids import MAX_ID
from schemas.org import Role
from store.repo.alerts import settings as alert_rules
from web.alerts.actions import start_scan
from web.alerts.forms import decision_body, note_problems, problems_by_field, read_rule
from web.alerts.rule_cards import rule_card, rules_context
from web.alerts.views import (
    ListFilters,
    dashboard_context,
    detail_context,
    progress_context,
    scan_context,
    table_context,
)
from web.offboarding.views import refusal_of
from web.shared.auth import Principal, get_db, get_settings, require_roles
from web.shared.csrf import verify_csrf
from web.shared.engine import engine_handle
from web.shared.paths import RecordId, TaskId
from web.shared.sessions import in_session
from web.shared.templating import render
from web.tasks import actions as task_actions
from web.tasks.process_engine import ProcessEngine

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])
PageReader = Annotated[
    Principal, Depends(require_roles(Role.sales_manager, Role.department_head, Role.admin, page=True))
]
PageAdmin = Annotated[Principal, Depends(require_roles(Role.admin, page=True))]
Filter = Annotated[str | None, Query(max_length=40)]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]
ScanId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,120}$")]
RECORDED = {
    "acknowledge": N_("Acknowledged: the alert stays open until you resolve it."),
    "resolve": N_("Resolved. Thank you for following it up."),
}


def _filters(
    status: Filter = None,
    rule: Filter = None,
    severity: Filter = None,
    team_id: Filter = None,
    subject_type: Filter = None,
    subject_id: Filter = None,
) -> ListFilters:
    return ListFilters.read(status, rule, severity, team_id, subject_type, subject_id)


Filters = Annotated[ListFilters, Depends(_filters)]


@router.get("/alerts")
def dashboard(
    request: Request,
    user: PageReader,
    filters: Filters,
    page: PageNumber = 1,
    scan: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_.:-]{1,120}$")] = None,
) -> Response:
    """The whole dashboard; the filter form (HTMX) gets the list alone."""
    following = scan if scan and user.has(Role.admin) else None
    with get_db(request).session() as session:
        if _htmx(request):
            context, template = table_context(session, user, filters, page), "alerts/_table.html"
        else:
            context = dashboard_context(session, user, get_settings(request).timezone, filters, page, following)
            template = "alerts/index.html"
    return render(request, template, context)


@router.post("/alerts/scan")
async def scan_from_page(request: Request, user: PageAdmin, filters: Filters) -> Response:
    """Start a scan and answer with its progress card, which follows it from there."""
    db, timezone = get_db(request), get_settings(request).timezone
    try:
        handle = await start_scan(engine_handle(request), get_settings(request), user)
    except BatonError as exc:
        refusal = refusal_of(exc, "scan")
        if not _htmx(request):
            context = await run_in_threadpool(in_session, db, dashboard_context, user, timezone, filters, 1, None)
            return render(request, "alerts/index.html", {**context, "refusal": refusal}, status_code=refusal.status)
        context = await run_in_threadpool(in_session, db, scan_context, user)
        return render(request, "alerts/_scan.html", {**context, "refusal": refusal}, status_code=refusal.status)
    if not _htmx(request):
        return RedirectResponse(f"/alerts?scan={handle.id}", status_code=303)
    context = await run_in_threadpool(in_session, db, progress_context, user, timezone, handle.id, filters)
    return render(request, "alerts/_scan.html", context)


@router.get("/alerts/scans/{workflow_id}")
def scan_progress(workflow_id: ScanId, request: Request, user: PageReader, filters: Filters) -> Response:
    """The progress card, asked every second while the scan runs; once the scan has finished it
    also carries the refreshed figures and list out of band."""
    with get_db(request).session() as session:
        context = progress_context(session, user, get_settings(request).timezone, workflow_id, filters)
    return render(request, "alerts/_scan.html", context)


# ----------------------------------------------------------------------------- the rules
@router.get("/alerts/rules")
def rules_page(request: Request, user: PageReader) -> Response:
    with get_db(request).session() as session:
        context = rules_context(session, user)
    return render(request, "alerts/rules.html", context)


@router.post("/alerts/rules/{rule}")
async def save_rule_from_page(rule: Annotated[str, Path(max_length=40)], request: Request, user: PageAdmin) -> Response:
    """Save one rule's card; a refusal shows every problem at its input, nothing saved."""
    db = get_db(request)
    chosen = alert_rules.rule_of(rule)
    body = read_rule(chosen, await request.form())
    try:
        await run_in_threadpool(in_session, db, alert_rules.change, chosen, body, user.id)
    except BatonError as exc:
        problems = problems_by_field(exc)
        card = await run_in_threadpool(in_session, db, rule_card, user, chosen, typed=body, problems=problems)
        if _htmx(request):
            return render(request, "alerts/_rule.html", card, status_code=exc.status)
        context = await run_in_threadpool(in_session, db, rules_context, user)
        context["cards"] = [card["card"] if c.settings.rule == chosen else c for c in context["cards"]]
        return render(request, "alerts/rules.html", context, status_code=exc.status)
    if not _htmx(request):
        return RedirectResponse(f"/alerts/rules#rule-{chosen.value}", status_code=303)
    return render(
        request, "alerts/_rule.html", await run_in_threadpool(in_session, db, rule_card, user, chosen, saved=True)
    )


# ----------------------------------------------------------------------------- one alert
@router.get("/alerts/{alert_id}")
def alert_page(alert_id: RecordId, request: Request, user: PageReader) -> Response:
    with get_db(request).session() as session:
        context = detail_context(session, user, alert_id)
    return render(request, "alerts/detail.html", context)


@router.get("/alerts/{alert_id}/follow-up")
def follow_up_fragment(
    alert_id: RecordId, request: Request, user: PageReader, waited: Annotated[int, Query(ge=0, le=MAX_ID)] = 0
) -> Response:
    """The status and follow-up part, asked again while the process opens the resolution task
    after an acknowledgement (a few seconds at most; then the page says to reload)."""
    with get_db(request).session() as session:
        context = detail_context(session, user, alert_id)
    return render(request, "alerts/_follow_up.html", {**context, "waited": waited})


@router.post("/alerts/{alert_id}/tasks/{task_id}")
async def decide(
    alert_id: RecordId,
    task_id: TaskId,
    request: Request,
    user: PageReader,
    action: Annotated[str, Form(max_length=40)] = "",
    comment: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Acknowledge or resolve from the alert page, through the follow-up's own task."""
    context = await run_in_threadpool(in_session, get_db(request), detail_context, user, alert_id)
    task = context["task"]
    if task is not None and task.id != task_id:
        task = None
    try:
        if task is None:
            task = await task_actions.load_task(get_db(request), user, task_id)
            if task.workflow_id != context["alert"].workflow_id:
                raise NotFound()
        body = decision_body(action, comment.strip())
        await task_actions.complete_task(get_db(request), ProcessEngine.of(request), user, task_id, body)
    except BatonError as exc:
        return await _follow_up_answer(
            request,
            user,
            alert_id,
            refusal=refusal_of(exc, "follow-up", "alert"),
            note=note_problems(exc),
            typed={"comment": comment},
        )
    return await _follow_up_answer(request, user, alert_id, notice=RECORDED.get(action))


# ---------------------------------------------------------------- helpers
def _htmx(request: Request) -> bool:
    return bool(request.headers.get("hx-request"))


async def _follow_up_answer(
    request: Request,
    user: Principal,
    alert_id: int,
    *,
    refusal: Any = None,
    note: list[str] | None = None,
    typed: dict[str, str] | None = None,
    notice: str | None = None,
) -> Response:
    """After a decision: the follow-up part as it now stands (the process records the alert's new
    status before it answers), a refusal at the form with what was typed kept."""
    if refusal is None and not _htmx(request):
        return RedirectResponse(f"/alerts/{alert_id}", status_code=303)
    context = await run_in_threadpool(in_session, get_db(request), detail_context, user, alert_id)
    context.update(
        {
            "refusal": refusal,
            "note_problems": note or [],
            "typed": typed or {},
            "notice": gettext_(notice) if notice else None,
        }
    )
    status = refusal.status if refusal is not None else 200
    template = "alerts/_follow_up.html" if _htmx(request) else "alerts/detail.html"
    return render(request, template, context, status_code=status)
