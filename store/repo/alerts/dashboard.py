"""The alert dashboard's figures, each one aggregate query scoped like the alert list
(``alert_views.visible``): a manager counts their teams' alerts, the department head and admin
every alert, anyone else is refused (Forbidden).

- unresolved alerts (open or acknowledged) by severity, by team and by rule;
- alerts raised per company week (Monday to Sunday, company time) over the last weeks, by
  severity, bucketed inside SQL so the same CASE works on SQLite and PostgreSQL;
- the last scan (when, how it was started, how many of its new alerts the reader sees) and one
  scan's progress, read from its ``risk_scans`` row (the scan's activities keep it current);
- the teams a reader may filter by.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from schemas.alerts import AlertStatus
from store.models import Alert, Employee, RiskScan, Team
from store.repo.alerts.views import visible
from store.repo.customers.visibility import Viewer, managed_team_ids


@dataclass(frozen=True)
class TeamCount:
    team_id: int | None  # None: alerts nobody's team holds (followed up by the department head)
    team_name: str | None
    count: int


@dataclass(frozen=True)
class WeekCount:
    week_from: date  # the week's Monday, company time
    by_severity: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())


@dataclass(frozen=True)
class ScanView:
    id: int
    workflow_id: str
    trigger: str  # schedule / manual
    started_by: str | None  # the person's name for a manual scan
    started_at: datetime
    finished_at: datetime | None
    rules_done: int
    rules_total: int
    created: int  # every alert the scan raised
    created_visible: int  # of those, the ones this reader may see

    @property
    def running(self) -> bool:
        return self.finished_at is None

    @property
    def percent(self) -> int:
        if self.finished_at is not None:
            return 100
        return round(100 * self.rules_done / self.rules_total) if self.rules_total else 0


def _unresolved() -> ColumnElement[bool]:
    return Alert.status != AlertStatus.resolved


def unresolved_by_severity(session: Session, viewer: Viewer) -> dict[str, int]:
    rows = session.execute(
        select(Alert.severity, func.count()).where(visible(session, viewer), _unresolved()).group_by(Alert.severity)
    )
    return {severity: int(count) for severity, count in rows}


def unresolved_by_rule(session: Session, viewer: Viewer) -> dict[str, int]:
    rows = session.execute(
        select(Alert.rule, func.count()).where(visible(session, viewer), _unresolved()).group_by(Alert.rule)
    )
    return {rule: int(count) for rule, count in rows}


def unresolved_by_team(session: Session, viewer: Viewer) -> list[TeamCount]:
    """Most alerts first; alerts without a team last."""
    rows = session.execute(
        select(Alert.team_id, Team.name, func.count())
        .outerjoin(Team, Team.id == Alert.team_id)
        .where(visible(session, viewer), _unresolved())
        .group_by(Alert.team_id, Team.name)
    ).all()
    found = [TeamCount(team_id, name, int(count)) for team_id, name, count in rows]
    return sorted(found, key=lambda row: (row.team_id is None, -row.count, row.team_name or ""))


def week_starts(now: datetime, weeks: int, zone: ZoneInfo) -> list[datetime]:
    """The Mondays (company midnight, as instants in ``now``'s zone) of the last ``weeks`` weeks,
    oldest first, the current week's last."""
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    return [
        datetime.combine(monday - timedelta(weeks=back), datetime.min.time(), tzinfo=zone).astimezone(now.tzinfo)
        for back in range(weeks - 1, -1, -1)
    ]


def raised_per_week(
    session: Session, viewer: Viewer, now: datetime, zone: ZoneInfo, weeks: int = 12
) -> list[WeekCount]:
    """Alerts raised in each of the last ``weeks`` company weeks (this one so far), by severity,
    whatever became of them since."""
    starts = week_starts(now, weeks, zone)
    bucket = case(*((Alert.created_at < start, index) for index, start in enumerate(starts[1:])), else_=len(starts) - 1)
    rows = session.execute(
        select(bucket, Alert.severity, func.count())
        .where(visible(session, viewer), Alert.created_at >= starts[0], Alert.created_at <= now)
        .group_by(bucket, Alert.severity)
    ).all()
    counts: list[dict[str, int]] = [{} for _ in starts]
    for index, severity, count in rows:
        counts[int(index)][severity] = int(count)
    return [WeekCount(start.astimezone(zone).date(), found) for start, found in zip(starts, counts, strict=True)]


def visible_teams(session: Session, viewer: Viewer) -> list[tuple[int, str]]:
    """The teams a reader filters the list by: theirs for a manager, every team otherwise."""
    visible(session, viewer)  # refuses those who may not read alerts
    query = select(Team.id, Team.name).order_by(Team.name, Team.id)
    if not viewer.has("department_head", "admin"):
        query = query.where(Team.id.in_(managed_team_ids(session, viewer)))
    return [(team_id, name) for team_id, name in session.execute(query)]


def last_scan(session: Session, viewer: Viewer) -> ScanView | None:
    row = session.scalars(select(RiskScan).order_by(RiskScan.started_at.desc(), RiskScan.id.desc()).limit(1)).first()
    return _scan_view(session, viewer, row) if row is not None else None


def scan_by_workflow(session: Session, viewer: Viewer, workflow_id: str) -> ScanView | None:
    """A scan's progress; None until its first step has written the row."""
    row = session.scalars(select(RiskScan).where(RiskScan.workflow_id == workflow_id)).first()
    if row is None:
        visible(session, viewer)
        return None
    return _scan_view(session, viewer, row)


def _scan_view(session: Session, viewer: Viewer, row: RiskScan) -> ScanView:
    seen = (
        session.scalar(select(func.count()).select_from(Alert).where(Alert.scan_id == row.id, visible(session, viewer)))
        or 0
    )
    starter = session.get(Employee, row.started_by) if row.started_by is not None else None
    return ScanView(
        id=row.id,
        workflow_id=row.workflow_id,
        trigger=row.trigger,
        started_by=starter.name if starter else None,
        started_at=row.started_at,
        finished_at=row.finished_at,
        rules_done=row.rules_done,
        rules_total=row.rules_total,
        created=row.created,
        created_visible=int(seen),
    )
