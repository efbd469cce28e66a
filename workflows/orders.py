"""Sales order approval (workflow id ``order-<id>``).

1. The salesperson's submission arrives as the ``submit`` Update (with the start, for a new
   order). The ``orders.submit`` activity checks it and reserves capacity; a refused first
   submission ends the process with nothing recorded. The ``orders.*`` activities are short
   database writes, run as local activities so a person's action answers quickly.
2. Approval chain through the shared human-step helper: the team's manager → the department head
   (large total or deep discount) → finance. Nobody approves their own order or two steps of it.
3. A rejection (comment required) returns the order to the salesperson, who may revise and
   resubmit (revision + 1, the chain restarts) or cancel. Capacity is released on rejection,
   expiry and cancellation, kept on approval.
4. No decision within ``order.expiry`` → ``expired``. A rejected order nobody revises within the
   same window closes as it stands.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow

from workflows import calls
from workflows.deadlines import wait_for
from workflows.steps import OpenStep, refuse_expired, rejection
from workflows.tasks import HumanStepsWorkflow

with workflow.unsafe.imports_passed_through():
    from activities.orders import OrderActivities
    from schemas import search
    from schemas.orders import (
        APPROVAL_OF,
        ORDER_EXPIRY,
        ApprovalStep,
        CancelRequest,
        ChainPlan,
        OrderOutcome,
        OrderStart,
        OrderState,
        OrderStatus,
        Submission,
        SubmissionResult,
    )
    from schemas.tasks import Process, StepSpec, TaskDecision

FIRST_SUBMISSION_WINDOW = timedelta(minutes=10)
# An accepted submission answers once the chain has opened its first task (or the order was
# decided first), naming it: the approver acts on it at once, nobody polls for it.
ANSWER_WITH_FIRST_TASK = "submission-answers-once-its-first-task-is-open"
OPEN_STATES = (OrderStatus.pending_approval, OrderStatus.rejected)


@workflow.defn(name="OrderApproval")
class OrderApprovalWorkflow(HumanStepsWorkflow):
    @workflow.init
    def __init__(self, start: OrderStart) -> None:
        super().__init__()
        self._start = start
        self._status = OrderStatus.draft
        self._revision = 0
        self._step: ApprovalStep | None = None
        self._plan: ChainPlan | None = None
        self._task_id: str | None = None
        self._submitting = False
        self._refused = False
        self._cancel: CancelRequest | None = None
        self._resubmitted = False

    # ----------------------------------------------------------------- the process
    @workflow.run
    async def run(self, start: OrderStart) -> OrderState:
        if start.adopted:
            plan = await calls.write(OrderActivities.adopt, start.order_id, "adopt pending order")
            if plan is not None:
                self._accepted(plan, max(1, self._revision))
        if self._status == OrderStatus.draft and not await wait_for(
            lambda: self._status != OrderStatus.draft or self._refused, FIRST_SUBMISSION_WINDOW, "first submission"
        ):
            self._refused = True
        while self._status == OrderStatus.pending_approval and not self._refused:
            await self._approval_round()
            if self._status == OrderStatus.rejected:
                await self._await_revision()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self.deliveries_sent()
        return self._state()

    async def _approval_round(self) -> None:
        """One revision through the chain, raced against the expiry window and cancellation."""
        revision = self._revision
        expiry = self._start.policies.get(ORDER_EXPIRY).due_in
        chain = asyncio.create_task(self._chain(revision))
        decided = await wait_for(
            lambda: chain.done() or self._cancel is not None, expiry, f"order expiry, revision {revision}"
        )
        if not decided and not chain.done():
            self._status = OrderStatus.expired
            await self._withdraw("expired")
            await self._record(OrderStatus.expired, None, None)
        await chain

    async def _chain(self, revision: int) -> None:
        plan = self._plan
        assert plan is not None
        approved_by: list[int] = []
        for step in plan.steps:
            if self._status != OrderStatus.pending_approval or self._revision != revision:
                return
            self._step = step
            spec = self._spec(step, plan, revision, approved_by)
            self._task_id = _task_id(revision, step)
            decision = await self.human_step(spec, self._start.policies.get(APPROVAL_OF[step].policy))
            if decision is None or decision.action != "approve":
                return
            approved_by.append(decision.actor_id)

    async def _await_revision(self) -> None:
        """A rejected order waits for the salesperson to revise or cancel, within the expiry window."""
        self._resubmitted = False
        window = self._start.policies.get(ORDER_EXPIRY).due_in
        if not await wait_for(
            lambda: self._resubmitted or self._status != OrderStatus.rejected, window, "revision after rejection"
        ):
            self._refused = True  # closes as rejected

    def _spec(self, step: ApprovalStep, plan: ChainPlan, revision: int, approved_by: list[int]) -> StepSpec:
        excluded = [self._start.owner_id, *approved_by]
        approval = APPROVAL_OF[step]
        person = plan.named_approver(step)
        if person in excluded:
            person = None  # separation of duties: anyone else holding the role
        order = str(self._start.order_id)
        return StepSpec(
            key=_step_key(revision, step),
            kind="order_approval",
            title=approval.title,
            title_params={"order": order},
            process=Process.order,
            process_id=order,
            subject=plan.subject,
            assignee_id=person,
            candidate_role=None if person else approval.role.value,
            actions=["approve", "reject"],
            policy_key=approval.policy.key,
            excluded_actor_ids=excluded,
            context={
                "step": step.value,
                "revision": revision,
                "order_id": self._start.order_id,
                "total": f"{plan.total:.2f}",
                "warnings": plan.warnings,
                "seller_id": plan.seller_id,
                "seller": plan.seller,
                "note": plan.note,
                "lines": [line.model_dump(mode="json") for line in plan.lines],
            },
        )

    # ----------------------------------------------------------------- decisions on steps
    def _after(self, step: OpenStep, decision: TaskDecision) -> tuple[OrderStatus, ApprovalStep | None]:
        """Where a decision on a step leaves the order."""
        plan = self._plan
        assert plan is not None
        current = ApprovalStep(step.spec.context["step"])
        if decision.action == "reject":
            return OrderStatus.rejected, None
        if current == plan.steps[-1]:
            return OrderStatus.approved, None
        return OrderStatus.pending_approval, plan.steps[plan.steps.index(current) + 1]

    def on_decision(self, step: OpenStep, decision: TaskDecision) -> None:
        self._status, self._step = self._after(step, decision)

    async def record_decision(self, step: OpenStep, decision: TaskDecision) -> None:
        await self._record(*self._after(step, decision), decision)

    def still_wanted(self, spec: StepSpec) -> bool:
        return self._status == OrderStatus.pending_approval and spec.context.get("revision") == self._revision

    # ----------------------------------------------------------------- the salesperson acts
    @workflow.update
    async def submit(self, submission: Submission) -> SubmissionResult:
        self._submitting = True
        revision = self._revision + 1
        try:
            async with self._handler_lock:
                await self.accept_durably()
                check = await calls.write(
                    OrderActivities.submit,
                    submission.model_copy(update={"revision": revision}),
                    f"check submission, revision {revision}",
                )
        finally:
            self._submitting = False
        if check.plan is None:
            if self._status == OrderStatus.draft:
                self._refused = True
            return SubmissionResult(accepted=False, revision=self._revision, problems=check.problems)
        self._accepted(check.plan, revision)
        self._resubmitted = True
        if not workflow.patched(ANSWER_WITH_FIRST_TASK):
            return SubmissionResult(accepted=True, revision=revision)
        first = _task_id(revision, check.plan.steps[0]) if check.plan.steps else None
        await workflow.wait_condition(
            lambda: (
                (first is not None and first in self._steps)
                or self._status != OrderStatus.pending_approval
                or self._revision != revision
            )
        )
        step = self._steps.get(first) if first is not None else None
        next_task = first if step is not None and not step.closed else None
        return SubmissionResult(accepted=True, revision=revision, next_task=next_task, status=self._status)

    @submit.validator
    def _validate_submit(self, submission: Submission) -> None:
        refuse_expired(submission.expires_at)
        if submission.actor.id != self._start.owner_id:
            raise rejection("not_order_owner", "Only the owner can submit this order.")
        if self._submitting or self._status not in (OrderStatus.draft, OrderStatus.rejected) or self._refused:
            raise rejection("order_not_editable", "Only a rejected order can be revised and resubmitted.")

    @workflow.update
    async def cancel(self, request: CancelRequest) -> OrderState:
        if self._status not in OPEN_STATES:  # a decision in the same workflow task came first
            raise rejection("order_not_cancellable", "This order can no longer be cancelled.")
        self._submitting = True  # no submission or second cancellation while this one is accepted
        try:
            await self.accept_durably()
        finally:
            self._submitting = False
        if self._status not in OPEN_STATES:  # decided while the cancellation was being accepted
            raise rejection("order_not_cancellable", "This order can no longer be cancelled.")
        self._status, self._step, self._cancel = OrderStatus.cancelled, None, request
        async with self._handler_lock:
            await self._withdraw("cancelled by the salesperson")
            await self._record(OrderStatus.cancelled, None, None, actor_id=request.actor.id, comment=request.reason)
        return self._state()

    @cancel.validator
    def _validate_cancel(self, request: CancelRequest) -> None:
        refuse_expired(request.expires_at)
        if request.actor.id != self._start.owner_id:
            raise rejection("not_order_owner", "Only the owner can cancel this order.")
        if self._status not in OPEN_STATES or self._submitting:
            raise rejection("order_not_cancellable", "This order can no longer be cancelled.")

    @workflow.query
    def order_state(self) -> OrderState:
        return self._state()

    # ----------------------------------------------------------------- helpers
    def _accepted(self, plan: ChainPlan, revision: int) -> None:
        self._plan, self._revision = plan, revision
        self._status, self._step = OrderStatus.pending_approval, plan.steps[0]
        workflow.upsert_search_attributes(
            [search.STATUS.value_set(self._status.value), search.SUBJECT.value_set(plan.subject)]
        )

    def _state(self) -> OrderState:
        return OrderState(status=self._status, revision=self._revision, current_step=self._step)

    async def _withdraw(self, reason: str) -> None:
        if self._task_id is not None:
            await self.cancel_step(self._task_id, reason)

    async def _record(
        self,
        status: OrderStatus,
        step: ApprovalStep | None,
        decision: TaskDecision | None,
        *,
        actor_id: int | None = None,
        comment: str | None = None,
    ) -> None:
        outcome = OrderOutcome(
            order_id=self._start.order_id,
            revision=self._revision,
            status=status,
            current_step=step,
            actor_id=decision.actor_id if decision else actor_id,
            comment=decision.comment if decision else comment,
        )
        notified = await calls.write(
            OrderActivities.record, outcome, f"order {status.value}" + (f", next: {step.value}" if step else "")
        )
        if status != OrderStatus.pending_approval:
            workflow.upsert_search_attributes([search.STATUS.value_set(status.value)])
        self.send_later(notified)  # e-mail and WeCom go out after the person's action has returned


def _step_key(revision: int, step: ApprovalStep) -> str:
    return f"r{revision}-{step.value}"


def _task_id(revision: int, step: ApprovalStep) -> str:
    """The id of a revision's task for ``step`` (what :meth:`HumanStepsWorkflow.human_step` opens)."""
    return f"{workflow.info().workflow_id}:{_step_key(revision, step)}"
