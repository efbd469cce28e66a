"""The risk scan and the follow-up of each alert it raises.

``RiskScan`` (daily from the ``risk-scan-daily`` schedule, or ``POST /api/alerts/scan``) judges
one moment, its start: the rules switched on are evaluated one after another, each a set-based
activity that raises only what is new, and each new alert gets its own ``AlertFollowUp`` process
(id ``alert-<id>``), which outlives the scan. The scan answers how many alerts it raised.

``AlertFollowUp`` asks the subject's team manager (the department head role when there is none)
to look at the alert under the ``alert.followup`` policy — reminders, overdue notices and
escalation come from the shared human-step helper. They acknowledge it (then the same task
returns as "resolve") or resolve it straight away; a resolution needs a note.
"""

from __future__ import annotations

import asyncio
import contextlib

from temporalio import workflow
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

from workflows import calls
from workflows.steps import OpenStep
from workflows.tasks import HumanStepsWorkflow

with workflow.unsafe.imports_passed_through():
    from activities.alerts import RiskScanActivities
    from schemas import search
    from schemas.alerts import (
        AlertDecision,
        AlertRule,
        AlertStatus,
        FollowUpStart,
        RaisedAlert,
        RuleRun,
        ScanBegun,
        ScanFinished,
        ScanMoment,
        ScanOut,
        ScanStart,
    )
    from schemas.kernel.errors import N_
    from schemas.org import NOBODY_NAMED_QUEUE
    from schemas.tasks import Process, StepSpec, TaskDecision

FOLLOW_UP_TITLES = {
    AlertRule.contact_drop: N_("Contact with customers dropped: %(subject)s"),
    AlertRule.orders_declining: N_("Orders declining: %(subject)s"),
    AlertRule.repeated_complaints: N_("Repeated complaints: %(subject)s"),
    AlertRule.unassigned_contacts: N_("Working others' customers: %(subject)s"),
    AlertRule.revenue_concentration: N_("Revenue concentrated with %(subject)s"),
    AlertRule.customer_silent: N_("Customer gone silent: %(subject)s"),
}
RESOLVE_TITLE = N_("Resolve the alert: %(subject)s")


@workflow.defn(name="RiskScan")
class RiskScanWorkflow:
    @workflow.init
    def __init__(self, start: ScanStart) -> None:
        self._done = 0
        self._rules = 0

    @workflow.run
    async def run(self, start: ScanStart) -> ScanOut:
        at = workflow.now()
        begun = await calls.write(RiskScanActivities.begin_scan, ScanMoment(start=start, at=at), "begin the scan")
        self._rules = len(begun.rules)
        raised: list[RaisedAlert] = []
        for position, rule in enumerate(begun.rules):
            found = await calls.call(
                RiskScanActivities.run_rule,
                RuleRun(scan_id=begun.scan_id, rule=rule, position=position, at=at),
                f"rule {rule.value}",
                calls.RULE_EVALUATION,
            )
            raised += found
            self._done = position + 1
        await asyncio.gather(*(self._follow_up(alert, begun) for alert in raised))
        await calls.write(
            RiskScanActivities.finish_scan,
            ScanFinished(scan_id=begun.scan_id, created=len(raised), at=workflow.now()),
            f"{len(raised)} new alerts",
        )
        return ScanOut(created=len(raised), scan_id=begun.scan_id, workflow_id=workflow.info().workflow_id)

    async def _follow_up(self, alert: RaisedAlert, begun: ScanBegun) -> None:
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await workflow.start_child_workflow(
                AlertFollowUpWorkflow.run,
                FollowUpStart(alert=alert, policy=begun.policy),
                id=f"alert-{alert.alert_id}",
                parent_close_policy=ParentClosePolicy.ABANDON,
                search_attributes=search.process_attributes(
                    Process.alert.value, f"{alert.rule.value}:{alert.subject}", AlertStatus.open.value
                ),
                static_summary=f"{alert.rule.value}: {alert.subject}",
            )

    @workflow.query
    def progress(self) -> tuple[int, int]:
        """Rules evaluated so far, of how many."""
        return self._done, self._rules


@workflow.defn(name="AlertFollowUp")
class AlertFollowUpWorkflow(HumanStepsWorkflow):
    @workflow.init
    def __init__(self, start: FollowUpStart) -> None:
        super().__init__()
        self._start = start

    @workflow.run
    async def run(self, start: FollowUpStart) -> str:
        first = await self.human_step(
            self._spec("follow-up", FOLLOW_UP_TITLES[start.alert.rule], ["acknowledge", "resolve"]), start.policy
        )
        if first is not None and first.action == "acknowledge":
            await self.human_step(self._spec("resolve", RESOLVE_TITLE, ["resolve"]), start.policy)
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self.deliveries_sent()
        return AlertStatus.resolved.value

    async def record_decision(self, step: OpenStep, decision: TaskDecision) -> None:
        status = AlertStatus.resolved if decision.action == "resolve" else AlertStatus.acknowledged
        await calls.write(
            RiskScanActivities.decide,
            AlertDecision(
                alert_id=self._start.alert.alert_id,
                status=status,
                actor_id=decision.actor_id,
                note=decision.comment,
                at=decision.decided_at,
            ),
            f"alert {status.value}",
        )
        workflow.upsert_search_attributes([search.STATUS.value_set(status.value)])

    def _spec(self, key: str, title: str, actions: list[str]) -> StepSpec:
        alert = self._start.alert
        person = alert.assignee_id
        return StepSpec(
            key=key,
            kind="alert_followup",
            title=title,
            title_params={"subject": alert.subject},
            process=Process.alert,
            process_id=str(alert.alert_id),
            subject=alert.subject,
            assignee_id=person,
            candidate_role=None if person else NOBODY_NAMED_QUEUE,
            actions=actions,
            policy_key="alert.followup",
            comment_required_for=["resolve"],
            context={"alert_id": alert.alert_id, "rule": alert.rule.value, "link": f"/alerts/{alert.alert_id}"},
        )
