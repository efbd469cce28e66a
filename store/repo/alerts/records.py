"""Raising alerts from a rule's findings, and recording what the manager did with them.

One rule's findings are applied in one transaction against the latest alert of each subject:
- no alert yet, or the latest is resolved and its condition has since cleared → a new alert;
- an unresolved alert whose condition no longer holds → ``condition_cleared_at`` is set (it
  stays open: somebody should still look at what happened); if the condition comes back while
  it is open, the mark is removed;
- otherwise nothing: the same alert is never raised twice, and a resolved one comes back only
  when its condition has gone away and returned.
New alerts carry the scan's id, so a retried rule finds what its first attempt raised instead of
raising nothing (the partial unique index forbids a second unresolved alert anyway).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.alerts import (
    SUBJECT_OF,
    AlertDecision,
    AlertRule,
    AlertStatus,
    RaisedAlert,
    Severity,
    SubjectType,
)
from schemas.kernel.errors import NotFound
from store.models import Alert, Customer, Employee, RiskScan
from store.repo.alerts import settings as alert_rules
from store.repo.alerts.rules import Findings, evaluate
from store.repo.audit import chain as audit
from store.repo.org.responsibility import alert_follow_up


def raise_alerts(
    session: Session,
    *,
    scan_id: int,
    rule: AlertRule,
    severity: Severity,
    findings: Findings,
    at: datetime,
    thresholds: dict[str, Any] | None = None,
) -> list[RaisedAlert]:
    """Apply one rule's findings; each new alert keeps its figures and the thresholds it was
    judged by (a later change of the rule does not rewrite why an alert was raised)."""
    already = list(
        session.scalars(select(Alert).where(Alert.scan_id == scan_id, Alert.rule == rule.value).order_by(Alert.id))
    )
    if already:  # an earlier attempt of this rule in this scan committed
        return [_raised(session, alert) for alert in already]
    subject_type = SUBJECT_OF[rule]
    latest_ids = select(func.max(Alert.id)).where(Alert.rule == rule.value).group_by(Alert.subject_id)
    latest = {alert.subject_id: alert for alert in session.scalars(select(Alert).where(Alert.id.in_(latest_ids)))}
    for subject_id, alert in latest.items():
        holds = subject_id in findings
        if not holds and alert.condition_cleared_at is None:
            alert.condition_cleared_at = at
        elif holds and alert.condition_cleared_at is not None and alert.status != AlertStatus.resolved:
            alert.condition_cleared_at = None
    raised = []
    for subject_id in sorted(findings):
        previous = latest.get(subject_id)
        if previous is not None and not (
            previous.status == AlertStatus.resolved and previous.condition_cleared_at is not None
        ):
            continue
        team_id, assignee_id = alert_follow_up(session, subject_type, subject_id)
        alert = Alert(
            rule=rule.value,
            subject_type=subject_type.value,
            subject_id=subject_id,
            severity=severity.value,
            status=AlertStatus.open,
            detail={**findings[subject_id], "thresholds": thresholds or {}},
            team_id=team_id,
            assignee_id=assignee_id,
            scan_id=scan_id,
            created_at=at,
        )
        session.add(alert)
        session.flush()
        alert.workflow_id = f"alert-{alert.id}"
        raised.append(_raised(session, alert))
    return raised


def apply_rule(
    session: Session, *, scan_id: int, rule: AlertRule, position: int, at: datetime, timezone: str
) -> list[RaisedAlert]:
    """One step of a scan: evaluate ``rule`` as it is set now, at the scan's moment, raise what is
    new and count the rule done."""
    settings = alert_rules.settings_of(session, rule)
    findings = evaluate(session, rule, settings.parsed(), at, timezone)
    raised = raise_alerts(
        session,
        scan_id=scan_id,
        rule=rule,
        severity=settings.severity,
        findings=findings,
        at=at,
        thresholds=settings.thresholds,
    )
    rule_done(session, scan_id, position)
    return raised


def subject_name(session: Session, subject_type: str, subject_id: int) -> str:
    model = Employee if subject_type == SubjectType.employee.value else Customer
    return session.scalar(select(model.name).where(model.id == subject_id)) or f"#{subject_id}"


def _raised(session: Session, alert: Alert) -> RaisedAlert:
    return RaisedAlert(
        alert_id=alert.id,
        rule=AlertRule(alert.rule),
        subject=subject_name(session, alert.subject_type, alert.subject_id),
        assignee_id=alert.assignee_id,
    )


def alert(session: Session, alert_id: int) -> Alert:
    found = session.get(Alert, alert_id)
    if found is None:
        raise NotFound()
    return found


def decide(session: Session, decision: AlertDecision) -> Alert:
    """Record an acknowledgement or a resolution (once: a repeated call changes nothing)."""
    row = alert(session, decision.alert_id)
    if row.status in (AlertStatus.resolved, decision.status):
        return row
    detail: dict[str, Any] = {"from": row.status, "to": decision.status.value, "note": decision.note}
    if decision.status == AlertStatus.acknowledged:
        row.acknowledged_at, row.acknowledged_by = decision.at, decision.actor_id
    else:
        row.resolved_at, row.resolved_by, row.resolution_note = decision.at, decision.actor_id, decision.note
    row.status = decision.status
    audit.record(
        session,
        actor_id=decision.actor_id,
        action=f"alert.{decision.status.value}",
        entity="alert",
        entity_id=row.id,
        detail=detail,
    )
    return row


# ----------------------------------------------------------------------------- scans
def begin_scan(
    session: Session, *, workflow_id: str, trigger: str, started_by: int | None, at: datetime, rules: int
) -> RiskScan:
    """The scan's row, once per workflow (a retried activity finds it)."""
    row = session.scalars(select(RiskScan).where(RiskScan.workflow_id == workflow_id)).first()
    if row is None:
        row = RiskScan(
            workflow_id=workflow_id, trigger=trigger, started_by=started_by, started_at=at, rules_total=rules
        )
        session.add(row)
        session.flush()
    return row


def rule_done(session: Session, scan_id: int, position: int) -> None:
    row = session.get(RiskScan, scan_id)
    if row is not None:
        row.rules_done = max(row.rules_done, position + 1)


def finish_scan(session: Session, scan_id: int, created: int, at: datetime) -> None:
    row = session.get(RiskScan, scan_id)
    if row is not None and row.finished_at is None:
        row.created, row.finished_at, row.rules_done = created, at, row.rules_total


def ever_scanned(session: Session) -> bool:
    """Whether any scan has begun here (a demo's first start has none)."""
    return session.scalar(select(RiskScan.id).limit(1)) is not None
