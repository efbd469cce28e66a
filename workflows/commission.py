"""Monthly commission settlement (workflow id ``commission-<period>``): computed by the system from
money actually collected, reviewed by the people it pays, approved, then locked.

1. ``computing``: one set-based activity computes every statement into a new run and publishes
   it whole (progress heartbeats to Temporal and to the page).
2. ``employee_review``: each salesperson with a statement is told and may dispute lines with a
   comment until the ``commission.review`` policy's due time.
3. ``manager_review``: each team's manager (the department head when the team has none) gets a
   ``commission_review`` task; they resolve the team's disputes (adjust with a reason, or reject)
   and approve, which is refused while a dispute of the team is open. Teams with no statement
   are skipped.
4. ``finance_review``: finance approves (``locked``) or rejects with a comment, which sends it
   back to the managers.
Finance may recompute during the employee or manager review: the open manager tasks are
withdrawn, a new run replaces the draft, and the employees get a fresh window. From finance
review on, the numbers stand; after locking, corrections land in the next period.

``CommissionMonthly`` is what the Temporal Schedule starts on day 3 of each month: it opens the
previous month's settlement once and starts this process for it, unless finance already has.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime

from temporalio import workflow
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

from workflows import calls
from workflows.deadlines import wait_until
from workflows.steps import OpenStep, may_act, refuse_expired, rejection
from workflows.tasks import HumanStepsWorkflow

with workflow.unsafe.imports_passed_through():
    from activities.commission import CommissionActivities
    from schemas import search
    from schemas.commission import (
        COMMISSION_REVIEW,
        RECOMPUTABLE,
        UNTEAMED_RESOLVERS,
        ComputeRequest,
        DisputeRequest,
        DisputeStatus,
        RecomputeRequest,
        ResolutionRequest,
        SettlementStart,
        SettlementState,
        SettlementStatus,
        StatusChange,
        TeamReview,
    )
    from schemas.kernel.errors import N_
    from schemas.org import NOBODY_NAMED_QUEUE
    from schemas.tasks import Actor, Process, StepSpec, TaskAction, TaskDecision

TEAM_TITLE = N_("Review %(team)s's commission for %(period)s")
FINANCE_TITLE = N_("Approve the commission settlement for %(period)s")
NO_TEAM = "none"


@workflow.defn(name="CommissionSettlement")
class CommissionSettlementWorkflow(HumanStepsWorkflow):
    @workflow.init
    def __init__(self, start: SettlementStart) -> None:
        super().__init__()
        self._start = start
        self._status = SettlementStatus.computing
        self._run = 0
        self._round = 0
        self._teams: list[TeamReview] = []
        self._approved: set[int] = set()
        self._disputes: dict[int, int | None] = {}  # open dispute → its team
        self._recompute = False

    @workflow.run
    async def run(self, start: SettlementStart) -> SettlementState:
        stage = SettlementStatus.computing
        while stage != SettlementStatus.locked:
            if stage == SettlementStatus.computing:
                await self._compute()
                stage = SettlementStatus.employee_review
            elif stage == SettlementStatus.employee_review:
                await self._employee_review()
                stage = self._after_review(SettlementStatus.manager_review)
            elif stage == SettlementStatus.manager_review:
                await self._manager_review()
                stage = self._after_review(SettlementStatus.finance_review)
            else:
                stage = await self._finance_review()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self.deliveries_sent()
        return self._state()

    def _after_review(self, following: SettlementStatus) -> SettlementStatus:
        if self._recompute:
            self._recompute = False
            return SettlementStatus.computing
        return following

    # ----------------------------------------------------------------- the stages
    async def _compute(self) -> None:
        await self._set_status(SettlementStatus.computing)
        self._run += 1
        result = await calls.call(
            CommissionActivities.compute,
            ComputeRequest(settlement_id=self._start.settlement_id, run=self._run),
            f"compute every statement of {self._start.period}, run {self._run}",
            calls.STATEMENT_COMPUTATION,
        )
        self._teams = result.teams

    async def _employee_review(self) -> None:
        opened = await calls.write(
            CommissionActivities.open_review,
            self._change(SettlementStatus.employee_review),
            "tell each salesperson their statement is ready",
        )
        self._status = SettlementStatus.employee_review
        self._upsert_status()
        self.send_later(opened.notified)
        await wait_until(opened.ends_at, lambda: self._recompute, "the employees' review window closes")

    async def _manager_review(self) -> None:
        self._round += 1
        self._approved = set()
        await self._set_status(SettlementStatus.manager_review)
        await asyncio.gather(*(self._team_step(team) for team in self._teams))

    async def _finance_review(self) -> SettlementStatus:
        await self._set_status(SettlementStatus.finance_review)
        spec = self._spec(
            f"r{self._round}-finance",
            "commission_approval",
            FINANCE_TITLE,
            ["approve", "reject"],
            role="finance",
            context={"round": self._round},
        )
        decision = await self.human_step(spec, self._start.policies.get(COMMISSION_REVIEW))
        if decision is not None and decision.action == "approve":
            return SettlementStatus.locked  # recorded inside the deciding update
        return SettlementStatus.manager_review

    async def _team_step(self, team: TeamReview) -> None:
        spec = self._spec(
            f"r{self._round}-team-{team.team_id}",
            "commission_review",
            TEAM_TITLE,
            ["approve"],
            person=team.reviewer_id,
            role=None if team.reviewer_id else NOBODY_NAMED_QUEUE,
            context={"team_id": team.team_id, "team": team.team_name, "round": self._round},
            title_params={"team": team.team_name},
        )
        await self.human_step(spec, self._start.policies.get(COMMISSION_REVIEW))

    # ----------------------------------------------------------------- decisions on steps
    def extra_problems(self, step: OpenStep, action: TaskAction) -> list[dict[str, str]]:
        if step.spec.kind == "commission_review":
            team_id = step.spec.context["team_id"]
            if any(team == team_id for team in self._disputes.values()):
                return [
                    {
                        "field": "disputes",
                        "code": "disputes_open",
                        "message": N_("Resolve every dispute of the team first."),
                    }
                ]
        return []

    def on_decision(self, step: OpenStep, decision: TaskDecision) -> None:
        if step.spec.kind == "commission_review":
            self._approved.add(step.spec.context["team_id"])

    async def record_decision(self, step: OpenStep, decision: TaskDecision) -> None:
        if step.spec.kind == "commission_approval" and decision.action == "approve":
            await self._set_status(SettlementStatus.locked, actor_id=decision.actor_id, comment=decision.comment)

    # ----------------------------------------------------------------- people act on the settlement
    @workflow.update
    async def dispute(self, request: DisputeRequest) -> int:
        async with self._handler_lock:
            await self.accept_durably()
            if self._status != SettlementStatus.employee_review:  # the window closed meanwhile
                raise rejection("review_closed", "The statement review window is closed.")
            dispute_id = await calls.write(
                CommissionActivities.dispute, request, f"dispute: payment {request.payment_id}"
            )
        self._disputes[dispute_id] = request.team_id
        return dispute_id

    @dispute.validator
    def _validate_dispute(self, request: DisputeRequest) -> None:
        self._refuse_late(request.expires_at)
        if self._status != SettlementStatus.employee_review:
            raise rejection("review_closed", "The statement review window is closed.")

    @workflow.update
    async def resolve_dispute(self, request: ResolutionRequest) -> SettlementState:
        await self.accept_durably()
        if request.dispute_id not in self._disputes:  # resolved by someone else meanwhile
            raise rejection("dispute_resolved", "This dispute is already resolved.")
        self._disputes.pop(request.dispute_id, None)
        async with self._handler_lock:
            await calls.write(
                CommissionActivities.resolve, request, f"dispute {request.dispute_id}: {request.decision.value}"
            )
        return self._state()

    @resolve_dispute.validator
    def _validate_resolution(self, request: ResolutionRequest) -> None:
        self._refuse_late(request.expires_at)
        if self._status != SettlementStatus.manager_review:
            raise rejection("not_manager_review", "Disputes are resolved during the managers' review.")
        if request.dispute_id not in self._disputes:
            raise rejection("dispute_resolved", "This dispute is already resolved.")
        if request.decision == DisputeStatus.open:
            raise rejection("invalid_input", "Adjust or reject the dispute.")
        if not self._may_resolve(request.actor, request.team_id):
            raise rejection("not_reviewer", "Only the team's reviewer resolves its disputes.")

    @workflow.update
    async def recompute(self, request: RecomputeRequest) -> SettlementState:
        await self.accept_durably()
        if self._status not in RECOMPUTABLE or self._recompute:
            raise rejection("recompute_not_allowed", "A settlement can be recomputed only before finance reviews it.")
        self._recompute = True
        async with self._handler_lock:
            for step in list(self._steps.values()):
                await self.cancel_step(step.opened.task_id, "recomputed")
        return self._state()

    @recompute.validator
    def _validate_recompute(self, request: RecomputeRequest) -> None:
        self._refuse_late(request.expires_at)
        if self._status not in RECOMPUTABLE or self._recompute:
            raise rejection("recompute_not_allowed", "A settlement can be recomputed only before finance reviews it.")

    @workflow.query
    def settlement_state(self) -> SettlementState:
        return self._state()

    # ----------------------------------------------------------------- helpers
    def _may_resolve(self, actor: Actor, team_id: int | None) -> bool:
        if team_id is None:
            return bool(set(UNTEAMED_RESOLVERS) & set(actor.roles))
        return any(
            step.spec.kind == "commission_review"
            and step.spec.context["team_id"] == team_id
            and not step.closed
            and may_act(step, actor)
            for step in self._steps.values()
        )

    def _refuse_late(self, expires_at: datetime | None) -> None:
        refuse_expired(expires_at)
        if self._status == SettlementStatus.locked:
            raise rejection("settlement_locked", "This settlement is locked.")

    def _state(self) -> SettlementState:
        open_disputes: dict[str, int] = {}
        for team in self._disputes.values():
            key = str(team) if team is not None else NO_TEAM
            open_disputes[key] = open_disputes.get(key, 0) + 1
        return SettlementState(
            status=self._status,
            run=self._run,
            round=self._round,
            teams_approved=sorted(self._approved),
            open_disputes=open_disputes,
        )

    def _change(
        self, status: SettlementStatus, actor_id: int | None = None, comment: str | None = None
    ) -> StatusChange:
        return StatusChange(
            settlement_id=self._start.settlement_id,
            status=status,
            actor_id=actor_id,
            comment=comment,
            at=workflow.now(),
        )

    async def _set_status(
        self, status: SettlementStatus, *, actor_id: int | None = None, comment: str | None = None
    ) -> None:
        self._status = status
        notified = await calls.write(
            CommissionActivities.status, self._change(status, actor_id, comment), f"status: {status.value}"
        )
        self._upsert_status()
        self.send_later(notified)

    def _upsert_status(self) -> None:
        workflow.upsert_search_attributes([search.STATUS.value_set(self._status.value)])

    def _spec(
        self,
        key: str,
        kind: str,
        title: str,
        actions: list[str],
        *,
        person: int | None = None,
        role: str | None = None,
        context: dict[str, object] | None = None,
        title_params: dict[str, str] | None = None,
    ) -> StepSpec:
        return StepSpec(
            key=key,
            kind=kind,
            title=title,
            title_params={"period": self._start.period, **(title_params or {})},
            process=Process.commission,
            process_id=self._start.period,
            subject=self._start.period,
            assignee_id=person,
            candidate_role=None if person else role,
            actions=actions,
            policy_key=COMMISSION_REVIEW.key,
            comment_required_for=["reject"],
            context={"period": self._start.period, **(context or {})},
        )


@workflow.defn(name="CommissionMonthly")
class CommissionMonthlyWorkflow:
    """Started by the schedule on day 3: settles the month before, once."""

    @workflow.run
    async def run(self) -> str | None:
        start = await calls.call(CommissionActivities.open_period, workflow.now(), "open last month")
        if start is None:
            return None
        period = start.period
        with contextlib.suppress(WorkflowAlreadyStartedError):  # finance started it first
            await workflow.start_child_workflow(
                CommissionSettlementWorkflow.run,
                start,
                id=f"commission-{period}",
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
                parent_close_policy=ParentClosePolicy.ABANDON,
                search_attributes=search.process_attributes(
                    Process.commission.value, period, SettlementStatus.computing.value
                ),
            )
        return period
