"""Waiting for a person under a deadline policy: the one place workflows remind, flag overdue
work and escalate.

A process workflow subclasses :class:`HumanStepsWorkflow` and calls
``await self.human_step(spec, policy)``. The helper opens the task (activity ``tasks.open``
writes the inbox row and computes the due time, working days included), then sleeps on durable
timers until the person decides:

- ``remind_before`` ahead of due: a reminder to whoever holds the task;
- at due: an overdue notice to the holder and their manager (HR too when the step asks), then
  again every ``repeat_every``;
- ``escalate_after`` past due: the task escalates one level up ``manager_id``, and one more level
  after each further ``escalate_after``, while there is someone above. The escalation target may
  act; the original holder still may.

The timers are :class:`workflows.deadlines.DeadlineClock`'s, on the waits every process shares.
People act through the ``complete_task`` Workflow Update, whose validator rejects the wrong
person, a closed task, an unknown action or missing data before anything is recorded (the checks
are in workflows/steps.py). New notifications leave through :meth:`HumanStepsWorkflow.send_later`
only.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from temporalio import workflow

from workflows import calls
from workflows.deadlines import DeadlineClock
from workflows.steps import OpenStep, action_problems, expired, may_act, refuse_expired, rejection

with workflow.unsafe.imports_passed_through():
    from activities.tasks.fences import FenceActivities
    from activities.tasks.steps import TaskActivities
    from schemas.policies import DeadlinePolicy
    from schemas.tasks import (
        ClaimRequest,
        CloseTaskRequest,
        OpenedTask,
        OpenTaskRequest,
        StepSpec,
        TaskAction,
        TaskDecision,
        TaskState,
        TaskStatus,
    )

# Task rows are opened and closed by local activities (short database writes, no round trip
# through the server), and the person's action returns once the row is closed and the process
# recorded what follows, so the inbox and the case page they open next already show it.
LOCAL_TASK_WRITES = "task-rows-written-locally-and-closed-in-update"
# A person's action writes nothing before the engine has durably accepted it: its first step is
# the fence activity (a regular activity, so the acceptance is in the history before it runs),
# which also refuses an action the web already answered 503 for (see activities/tasks/fences.py).
DURABLE_ACCEPTANCE = "actions-accepted-durably-and-fenced-before-writing"
# E-mail and WeCom go out beside the step: a mail server that does not answer never holds up the
# deadlines, the next step or an expiry (the in-app notification is written already).
BACKGROUND_DELIVERY = "deliveries-beside-the-deadline-loop"


class HumanStepsWorkflow:
    """Base class of every process workflow that waits for people."""

    def __init__(self) -> None:
        self._steps: dict[str, OpenStep] = {}
        self._handler_lock = asyncio.Lock()  # handlers that await activities run one at a time
        self._deliveries: list[asyncio.Task[None]] = []

    # ----------------------------------------------------------------- notifications go out
    def send_later(self, notification_ids: list[int]) -> asyncio.Task[None] | None:
        """The one way a process hands new notifications to e-mail and WeCom: beside the step,
        never waited for (the in-app notification is written already) until the process ends
        (:meth:`deliveries_sent`)."""
        if not notification_ids:
            return None
        sending = asyncio.create_task(calls.deliver(notification_ids))
        self._deliveries.append(sending)
        return sending

    async def send_later_since(self, patch: str, notification_ids: list[int]) -> None:
        """:meth:`send_later` where the process awaited the deliveries before ``patch``: a
        history recorded before it replays the way it ran."""
        if workflow.patched(patch):
            self.send_later(notification_ids)
        else:
            await calls.deliver(notification_ids)

    async def deliveries_sent(self) -> None:
        """Before the process ends: what it handed on has been sent (or given up)."""
        await asyncio.gather(*self._deliveries)

    async def _send(self, notification_ids: list[int]) -> None:
        await self.send_later_since(BACKGROUND_DELIVERY, notification_ids)

    # ----------------------------------------------------------------- extension points
    def extra_problems(self, step: OpenStep, action: TaskAction) -> list[dict[str, str]]:
        """Process-specific evidence checks (override); every problem is reported at once."""
        return []

    def on_decision(self, step: OpenStep, decision: TaskDecision) -> None:
        """The process's own state follows the decision at once (override; no awaiting here), so a
        handler that runs next in the same workflow task already sees it."""

    def still_wanted(self, spec: StepSpec) -> bool:
        """False when the process moved on while the step's task was being opened (override)."""
        return True

    async def record_decision(self, step: OpenStep, decision: TaskDecision) -> None:
        """Side effects the person must see when their action returns (override), e.g. an order's
        new status; runs inside the update, under the handler lock."""

    # ----------------------------------------------------------------- people act
    @workflow.update
    async def complete_task(self, action: TaskAction) -> TaskState:
        return await self.decide(self._steps[action.task_id], action)

    async def accept_durably(self) -> None:
        """The first await of every Update handler that changes records: once it returns, the
        action is in the history and was not given up on by the web; before it, nothing is written.
        Raises ``action_expired`` for an action the person was already told was not recorded."""
        info = workflow.current_update_info()
        if info is None or not workflow.patched(DURABLE_ACCEPTANCE):
            return
        if not await calls.call(FenceActivities.fence, info.id, "action accepted"):
            raise expired()

    async def decide(self, step: OpenStep, action: TaskAction) -> TaskState:
        """Record an allowed action as the step's decision (the validator has passed)."""
        if step.closed:  # another handler of the same workflow task closed it first
            raise rejection("task_closed", "This task is already closed.")
        if step.deciding:  # the same person's or a colleague's action is ahead of this one
            await workflow.wait_condition(lambda: not step.deciding)
        step.deciding = True
        try:
            await self.accept_durably()
        finally:
            step.deciding = False
        if step.closed:  # decided or withdrawn while this action was being accepted
            raise rejection("task_closed", "This task is already closed.")
        decision = TaskDecision(
            task_id=action.task_id,
            action=action.action,
            actor_id=action.actor.id,
            comment=action.comment,
            data=action.data,
            attachment_ids=action.attachment_ids,
            decided_at=workflow.now(),
        )
        step.decision = decision
        self.on_decision(step, decision)
        if workflow.patched(LOCAL_TASK_WRITES):
            step.closing_in_update = True
            async with self._handler_lock:
                await _close_task(step.opened.task_id, decision, local=True)
                step.recorded = True
                await self.record_decision(step, decision)
        return step.state()

    @complete_task.validator
    def _validate_completion(self, action: TaskAction) -> None:
        step = self._step_or_reject(action.task_id, action.expires_at)
        if not may_act(step, action.actor):
            raise rejection("not_your_task", "This task is not yours.")
        if action.action not in step.spec.actions:
            raise rejection(
                "invalid_action",
                "Unknown action for this task.",
                [{"field": "action", "code": "unknown_action", "message": f"Allowed: {', '.join(step.spec.actions)}"}],
            )
        problems = action_problems(step, action) + self.extra_problems(step, action)
        if problems:
            raise rejection("task_incomplete", "Some required information is missing.", problems)

    @workflow.update
    async def claim_task(self, request: ClaimRequest) -> TaskState:
        step = self._steps[request.task_id]
        await self.accept_durably()
        if step.closed:
            raise rejection("task_closed", "This task is already closed.")
        if not request.release and step.opened.assignee_id not in (None, request.actor.id):
            raise rejection("task_claimed", "Someone else has claimed this task.")
        step.opened = step.opened.model_copy(update={"assignee_id": None if request.release else request.actor.id})
        async with self._handler_lock:
            await calls.call(TaskActivities.claim, request, "record claim")
        return step.state()

    @claim_task.validator
    def _validate_claim(self, request: ClaimRequest) -> None:
        step = self._step_or_reject(request.task_id, request.expires_at)
        role = step.spec.candidate_role
        if not role:
            raise rejection("not_claimable", "Only tasks for a role can be claimed.")
        if request.release:
            if step.opened.assignee_id != request.actor.id:
                raise rejection("not_your_task", "This task is not yours.")
            return
        if step.opened.assignee_id is not None:
            raise rejection("task_claimed", "Someone else has claimed this task.")
        if not may_act(step, request.actor):
            raise rejection("not_your_task", "This task is not yours.")

    @workflow.query
    def task_state(self, task_id: str) -> TaskState | None:
        step = self._steps.get(task_id)
        return step.state() if step else None

    def _step_or_reject(self, task_id: str, expires_at: datetime | None) -> OpenStep:
        refuse_expired(expires_at)
        step = self._steps.get(task_id)
        if step is None:
            raise rejection("task_not_found", "No such task in this process.")
        if step.closed:
            raise rejection("task_closed", "This task is already closed.")
        return step

    # ----------------------------------------------------------------- waiting
    async def human_step(self, spec: StepSpec, policy: DeadlinePolicy) -> TaskDecision | None:
        """Open the task, drive its deadlines, and return the person's decision — or None when the
        process withdrew the step meanwhile with :meth:`cancel_step`."""
        info = workflow.info()
        task_id = f"{info.workflow_id}:{spec.key}"
        request = OpenTaskRequest(
            workflow_id=info.workflow_id, task_id=task_id, spec=spec, policy=policy, opened_at=workflow.now()
        )
        run = calls.write if workflow.patched(LOCAL_TASK_WRITES) else calls.call
        opened: OpenedTask = await run(TaskActivities.open, request, f"open task: {spec.title}")
        step = OpenStep(spec=spec, opened=opened)
        self._steps[task_id] = step
        if not self.still_wanted(spec):
            await self.cancel_step(task_id, "withdrawn")
            return None
        await self._send(opened.notified)
        await DeadlineClock(step, policy, info.workflow_id, self._send).run()
        decision = step.decision
        if decision is None:
            return None  # withdrawn: cancel_step closed the row already
        if step.closing_in_update:
            await workflow.wait_condition(lambda: step.recorded)
        else:  # histories from before decisions were recorded inside the update
            await _close_task(task_id, decision, local=False)
        return decision

    async def cancel_step(self, task_id: str, reason: str) -> None:
        """Withdraw an open task (the process moved on); its timers stop, the row closes."""
        step = self._steps.get(task_id)
        if step is None or step.closed:
            return
        step.cancelled = True
        request = CloseTaskRequest(task_id=task_id, status=TaskStatus.cancelled, reason=reason)
        await calls.call(TaskActivities.close, request, "cancel task")


async def _close_task(task_id: str, decision: TaskDecision, *, local: bool) -> None:
    request = CloseTaskRequest(task_id=task_id, status=TaskStatus.done, decision=decision)
    await (calls.write if local else calls.call)(TaskActivities.close, request, f"close task: {decision.action}")
