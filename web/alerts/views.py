"""What the alert pages show, each read in the session the route gives: the dashboard (unresolved
alerts by severity, team and rule, the weekly trend, the filtered list, the last scan) and one
alert with the data behind it and its follow-up. (The rules' cards: web/alerts/rule_cards.py.)

Everything is read through ``alert_views`` and ``alert_dashboard``, so a page counts and lists
exactly the alerts the API shows the same person. A reader acts on an alert only when they hold
its open follow-up task (the ``tasks.is_holder`` rule the workflow's validator applies).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from schemas.alerts import (
    RULE_LABELS,
    SEVERITY_LABELS,
    SEVERITY_ORDER,
    AlertRule,
    AlertStatus,
    RuleSettings,
    Severity,
    SubjectType,
)
from schemas.kernel.errors import N_
from schemas.kernel.i18n import gettext_
from schemas.tasks import TaskStatus
from store.db import Session
from store.models.base import utcnow
from store.repo.alerts import dashboard as alert_dashboard
from store.repo.alerts import settings as alert_rules
from store.repo.alerts import views as alert_views
from store.repo.alerts.views import UNRESOLVED, AlertFilter
from store.repo.customers.visibility import may_see_customer
from store.repo.offboarding.records import employee_names
from store.repo.tasks import records as task_repo
from web.alerts.figures import figures_of, short_day
from web.alerts.forms import explanation
from web.alerts.labels import ALL, STATUS_LABELS
from web.shared.auth import Principal, viewer_of
from web.shared.charts import Datum, Series, Stack, bar_chart, stacked_column_chart
from web.shared.forms import record_id

PAGE_SIZE = 20
TREND_WEEKS = 12
EDITORS = ("admin",)  # change the rules, run a scan
SEVERITY_COLORS = {Severity.high: "#b3261e", Severity.medium: "#e08a1e", Severity.low: "#5f7d95"}


@dataclass(frozen=True)
class ListFilters:
    """The list's filters as the page's query string carries them; unknown values are dropped
    (the form only offers known ones), so a stale bookmark shows a list, not an error."""

    status: str = UNRESOLVED
    rule: str = ""
    severity: str = ""
    team_id: int | None = None
    subject_type: str = ""
    subject_id: int | None = None

    @classmethod
    def read(
        cls,
        status: str | None,
        rule: str | None,
        severity: str | None,
        team_id: str | None,
        subject_type: str | None,
        subject_id: str | None,
    ) -> ListFilters:
        subject = record_id(subject_id or "") if subject_type in ("employee", "customer") else None
        return cls(
            status=status if status in STATUS_LABELS else UNRESOLVED,
            rule=rule if rule in {r.value for r in AlertRule} else "",
            severity=severity if severity in {s.value for s in Severity} else "",
            team_id=record_id(team_id or ""),
            subject_type=(subject_type or "") if subject else "",
            subject_id=subject,
        )

    def wanted(self) -> AlertFilter:
        return AlertFilter(
            status=None if self.status == ALL else self.status,
            rule=self.rule or None,
            severity=self.severity or None,
            team_id=self.team_id,
            subject_type=self.subject_type or None,
            subject_id=self.subject_id,
        )

    def query(self, **changes: Any) -> str:
        """The filters as a query string (the pager's and the figures' links)."""
        values = {
            "status": self.status,
            "rule": self.rule,
            "severity": self.severity,
            "team_id": self.team_id or "",
            "subject_type": self.subject_type,
            "subject_id": self.subject_id or "",
            **changes,
        }
        return urlencode({key: value for key, value in values.items() if value not in ("", None)})


# ----------------------------------------------------------------------------- the dashboard
def table_context(session: Session, user: Principal, filters: ListFilters, page: int) -> dict[str, Any]:
    """A page of the filtered list (the most severe first, then the newest) with the teams the
    reader may filter by."""
    viewer = viewer_of(user)
    rows, total = alert_views.list_alerts(
        session, viewer, filters.wanted(), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    teams = alert_dashboard.visible_teams(session, viewer)
    subject = (rows[0].subject_name if rows else None) if filters.subject_id else None
    query = filters.query()
    return {
        "alerts": rows,
        "total": total,
        "filters": filters,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "pager_query": f"&{query}" if query else "",
        "teams": teams,
        "status_labels": STATUS_LABELS,
        "rules": list(AlertRule),
        "severities": list(SEVERITY_ORDER),
        "subject_name": subject,
    }


def summary_context(session: Session, user: Principal, timezone: str) -> dict[str, Any]:
    """The unresolved alerts by severity, team and rule, and the weekly trend (in company weeks),
    as figures and charts."""
    viewer = viewer_of(user)
    by_severity = alert_dashboard.unresolved_by_severity(session, viewer)
    by_team = alert_dashboard.unresolved_by_team(session, viewer)
    by_rule = alert_dashboard.unresolved_by_rule(session, viewer)
    weeks = alert_dashboard.raised_per_week(session, viewer, utcnow(), ZoneInfo(timezone), TREND_WEEKS)
    no_team = gettext_(N_("No team"))
    rules = [(rule, by_rule.get(rule.value, 0)) for rule in AlertRule]
    series = [Series(gettext_(SEVERITY_LABELS[s]), SEVERITY_COLORS[s]) for s in SEVERITY_ORDER]
    trend = stacked_column_chart(
        [
            Stack(
                short_day(week.week_from.isoformat()), tuple(week.by_severity.get(s.value, 0) for s in SEVERITY_ORDER)
            )
            for week in weeks
        ],
        series,
    )
    return {
        "by_severity": [(s, by_severity.get(s.value, 0)) for s in SEVERITY_ORDER],
        "by_team": by_team,
        "no_team": no_team,
        "team_chart": bar_chart([Datum(row.team_name or no_team, row.count) for row in by_team]),
        "by_rule": rules,
        "rule_chart": bar_chart([Datum(gettext_(RULE_LABELS[rule]), count) for rule, count in rules]),
        "weeks": weeks,
        "trend_chart": trend,
        "raised": sum(week.total for week in weeks),
    }


def scan_context(session: Session, user: Principal, workflow_id: str | None = None) -> dict[str, Any]:
    """The last scan, or the one just started (``None`` until its first step writes its row)."""
    viewer = viewer_of(user)
    scan = (
        alert_dashboard.scan_by_workflow(session, viewer, workflow_id)
        if workflow_id
        else alert_dashboard.last_scan(session, viewer)
    )
    return {
        "scan": scan,
        "scan_workflow_id": workflow_id or (scan.workflow_id if scan else None),
        "may_scan": user.has(*EDITORS),
        "refusal": None,
    }


def dashboard_context(
    session: Session, user: Principal, timezone: str, filters: ListFilters, page: int, scan: str | None
) -> dict[str, Any]:
    """The whole dashboard: the figures, a page of the list, and the last scan (or ``scan``)."""
    return {
        **summary_context(session, user, timezone),
        **table_context(session, user, filters, page),
        **scan_context(session, user, scan),
    }


def progress_context(
    session: Session, user: Principal, timezone: str, workflow_id: str, filters: ListFilters
) -> dict[str, Any]:
    """A scan's card; once it has finished, also the refreshed figures and list (with the filters
    the page shows), to go out of band."""
    context = scan_context(session, user, workflow_id)
    scan = context["scan"]
    if scan is not None and not scan.running:
        context.update(
            summary_context(session, user, timezone),
            **table_context(session, user, filters, 1),
            oob=True,
            finished=True,
        )
    return context


# ----------------------------------------------------------------------------- one alert
def detail_context(session: Session, user: Principal, alert_id: int) -> dict[str, Any]:
    """One alert as this reader sees it: the figures it was raised on, where its follow-up stands,
    and the form when the reader holds the open task. The rule is explained with the thresholds
    it was judged by."""
    viewer = viewer_of(user)
    alert = alert_views.alert_for(session, viewer, alert_id)
    settings = _as_raised(alert_rules.settings_of(session, alert.rule), alert.detail)
    figures = figures_of(session, viewer, alert, settings)
    task = task_repo.get(session, alert.task_id) if alert.task_id else None
    people = {
        alert.acknowledged_by,
        alert.resolved_by,
        alert.assignee_id,
        *((task.assignee_id, task.escalated_to_id, task.delegated_from_id) if task else ()),
    }
    names = employee_names(session, {person for person in people if person is not None})
    customer_page = alert.subject_type == SubjectType.customer and may_see_customer(session, viewer, alert.subject_id)
    mine = (
        task is not None
        and task.status == TaskStatus.open
        and task_repo.is_holder(task, user.id, user.roles, user.team_id)
    )
    return {
        "alert": alert,
        "figures": figures,
        "task": task,
        "mine": mine,
        "names": names,
        "subject_page": f"/customers/{alert.subject_id}" if customer_page else None,
        "subject_alerts": "/alerts?"
        + ListFilters(status=ALL, subject_type=alert.subject_type.value, subject_id=alert.subject_id).query(),
        "explanation": explanation(settings),
        "waiting": alert.status == AlertStatus.acknowledged and task is None,
        "refusal": None,
        "note_problems": [],
        "typed": {},
        "notice": None,
    }


def _as_raised(settings: RuleSettings, detail: dict[str, Any]) -> RuleSettings:
    """The rule with the thresholds the alert was raised under (alerts keep them in their detail)."""
    kept = detail.get("thresholds")
    return settings.model_copy(update={"thresholds": {**settings.thresholds, **kept}}) if kept else settings
