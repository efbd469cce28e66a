"""Risk alerts over the JSON API (API.md "Risk alerts").

``GET /api/alerts`` lists the alerts the caller may see (a manager: their teams'), the most severe
first and the newest first within a severity (``sort=newest``: by time alone), as the contract's
plain list with the number matching in ``X-Total-Count``. ``POST /api/alerts/scan`` runs the scan
now and waits for it. ``GET``/``PUT /api/alert-rules[/{rule}]`` read and change the rules: a change
names only what it changes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from schemas.alerts import AlertOut, AlertRule, AlertStatus, ScanOut, Severity, SubjectType
from schemas.org import Role
from store.repo.alerts import settings as alert_rules
from store.repo.alerts import views as alert_views
from store.repo.alerts.views import UNRESOLVED, AlertFilter
from web.alerts.actions import scan_now
from web.shared.auth import Principal, get_db, get_settings, require_roles, viewer_of
from web.shared.engine import engine_handle
from web.shared.paths import IdFilter, Offset, RecordId

router = APIRouter(tags=["alerts"])

Readers = Annotated[Principal, Depends(require_roles(Role.sales_manager, Role.department_head, Role.admin))]
Admin = Annotated[Principal, Depends(require_roles(Role.admin))]


@router.get("/api/alerts", response_model=list[AlertOut])
def list_alerts(
    request: Request,
    response: Response,
    user: Readers,
    status: Annotated[str | None, Query(pattern=f"^({'|'.join([*AlertStatus, UNRESOLVED])})$")] = None,
    rule: AlertRule | None = None,
    severity: Severity | None = None,
    team_id: IdFilter = None,
    subject_type: SubjectType | None = None,
    subject_id: IdFilter = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
    sort: Annotated[
        Literal["severity", "newest"],
        Query(
            description="`severity` (default): high, medium, low, the newest first within each; `newest`: by time alone"
        ),
    ] = "severity",
) -> list[AlertOut]:
    wanted = AlertFilter(
        status=status, rule=rule, severity=severity, team_id=team_id, subject_type=subject_type, subject_id=subject_id
    )
    with get_db(request).session() as session:
        rows, total = alert_views.list_alerts(session, viewer_of(user), wanted, limit=limit, offset=offset, order=sort)
    response.headers["X-Total-Count"] = str(total)
    return rows


@router.get("/api/alerts/{alert_id}", response_model=AlertOut)
def get_alert(request: Request, user: Readers, alert_id: RecordId) -> AlertOut:
    with get_db(request).session() as session:
        return alert_views.alert_for(session, viewer_of(user), alert_id)


@router.post("/api/alerts/scan", response_model=ScanOut)
async def scan(request: Request, user: Admin) -> ScanOut:
    return await scan_now(engine_handle(request), get_settings(request), user)


@router.get("/api/alert-rules")
def list_rules(request: Request, user: Readers) -> list[dict[str, Any]]:
    with get_db(request).session() as session:
        return [settings.flat() for settings in alert_rules.all_settings(session)]


@router.get("/api/alert-rules/{rule}")
def get_rule(request: Request, user: Readers, rule: str) -> dict[str, Any]:
    with get_db(request).session() as session:
        return alert_rules.settings_of(session, alert_rules.rule_of(rule)).flat()


@router.put("/api/alert-rules/{rule}")
async def put_rule(request: Request, user: Admin, rule: str, body: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    """``{"enabled", "severity", ...thresholds}``; what is left out keeps its value."""

    def change() -> dict[str, Any]:
        with get_db(request).session() as session:
            return alert_rules.change(session, alert_rules.rule_of(rule), body, user.id).flat()

    return await run_in_threadpool(change)
