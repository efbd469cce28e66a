"""The side effects of the risk scan and of following an alert up: the scan's row and progress,
evaluating one rule and raising its alerts, recording an acknowledgement or a resolution.

Idempotent: the scan's row is one per workflow; a rule's alerts carry the scan id, so a retried
rule answers what its first attempt raised; a decision already recorded is not recorded again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import activity

from schemas.alerts import AlertDecision, RaisedAlert, RuleRun, ScanBegun, ScanFinished, ScanMoment
from store.db import Database
from store.repo.alerts import records as alerts
from store.repo.alerts import settings as alert_rules
from store.repo.tasks import policies


class RiskScanActivities:
    def __init__(self, db: Database, timezone: str) -> None:
        self.db = db
        self.timezone = timezone

    @activity.defn(name="alerts.begin_scan")
    def begin_scan(self, moment: ScanMoment) -> ScanBegun:
        """The scan's row, and the rules switched on as it begins."""
        with self.db.session() as session:
            rules = [settings.rule for settings in alert_rules.all_settings(session) if settings.enabled]
            row = alerts.begin_scan(
                session,
                workflow_id=activity.info().workflow_id or "",
                trigger=moment.start.trigger,
                started_by=moment.start.started_by,
                at=moment.at,
                rules=len(rules),
            )
            return ScanBegun(scan_id=row.id, rules=rules, policy=policies.snapshot(session).get("alert.followup"))

    @activity.defn(name="alerts.run_rule")
    def run_rule(self, run: RuleRun) -> list[RaisedAlert]:
        """Evaluate one rule at the scan's moment and raise what is new."""
        with self.db.session() as session:
            return alerts.apply_rule(
                session, scan_id=run.scan_id, rule=run.rule, position=run.position, at=run.at, timezone=self.timezone
            )

    @activity.defn(name="alerts.finish_scan")
    def finish_scan(self, finished: ScanFinished) -> None:
        with self.db.session() as session:
            alerts.finish_scan(session, finished.scan_id, finished.created, finished.at)

    @activity.defn(name="alerts.decide")
    def decide(self, decision: AlertDecision) -> None:
        with self.db.session() as session:
            alerts.decide(session, decision)


def risk_scan_activities(db: Database, timezone: str) -> list[Callable[..., Any]]:
    bound = RiskScanActivities(db, timezone)
    return [bound.begin_scan, bound.run_rule, bound.finish_scan, bound.decide]
