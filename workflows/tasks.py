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

People act through the ``complete_task`` Workflow Update, whose validator rejects the wrong
person, a closed task, an unknown action or missing data before anything is recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from schemas.kernel.errors import N_
    from schemas.policies import DeadlinePolicy
    from schemas.tasks import (
        Actor,
        ClaimRequest,
        CloseTaskRequest,
        DeadlineEvent,
        DeadlineOutcome,
        OpenedTask,
        OpenTaskRequest,
        StepSpec,
        TaskAction,
        TaskDecision,
        TaskState,
        TaskStatus,
    )

ACTIVITY_TIMEOUT = timedelta(seconds=30)
ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
# Sending e-mail/WeCom may wait for a mail server, but never holds a deadline up for long: the
# in-app notification is already written; after this, the delivery row records the failure.
DELIVERY_WINDOW = timedelta(minutes=10)
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


async def deliver(notification_ids: list[int]) -> None:
    """Send new notifications over the outside channels (e-mail, WeCom), each once."""
    if not notification_ids:
        return
    sends = [
        workflow.execute_activity(
            "notify.deliver",
            notification_id,
            schedule_to_close_timeout=DELIVERY_WINDOW,
            retry_policy=ACTIVITY_RETRY,
            summary="deliver notification",
        )
        for notification_id in notification_ids
    ]
    for outcome in await asyncio.gather(*sends, return_exceptions=True):
        if isinstance(outcome, BaseException):
            workflow.logger.warning("notification delivery gave up: %s", outcome)


@dataclass
class OpenStep:
    """The workflow's own record of one open task; the validator reads only this."""

    spec: StepSpec
    opened: OpenedTask
    escalated_to: list[int] = field(default_factory=list)
    overdue: bool = False
    decision: TaskDecision | None = None
    cancelled: bool = False
    closing_in_update: bool = False  # the update that decided also closes the row
    deciding: bool = False  # an action is passing its fence; another one waits for it
    recorded: bool = False  # the row is closed

    @property
    def closed(self) -> bool:
        return self.decision is not None or self.cancelled

    @property
    def holder_id(self) -> int | None:
        return self.opened.assignee_id

    def state(self) -> TaskState:
        status = TaskStatus.done if self.decision else TaskStatus.cancelled if self.cancelled else TaskStatus.open
        return TaskState(
            task_id=self.opened.task_id,
            status=status,
            assignee_id=self.opened.assignee_id,
            candidate_role=self.spec.candidate_role,
            escalated_to=list(self.escalated_to),
            due_at=self.opened.due_at,
            overdue=self.overdue,
            decision=self.decision.action if self.decision else None,
            completed_by=self.decision.actor_id if self.decision else None,
        )


def rejection(kind: str, message: str, problems: list[dict[str, str]] | None = None) -> ApplicationError:
    """Validator failures carry a stable type the web layer maps to an HTTP answer."""
    return ApplicationError(message, *(problems or []), type=kind, non_retryable=True)


def may_act(step: OpenStep, actor: Actor) -> bool:
    opened = step.opened
    if actor.id in step.spec.excluded_actor_ids:
        return False
    if actor.id == opened.assignee_id or actor.id in step.escalated_to:
        return True
    if opened.delegated_from_id is not None and actor.id == opened.delegated_from_id:
        return True
    role = step.spec.candidate_role
    if opened.assignee_id is None and role and role in actor.roles:
        return step.spec.candidate_team_id is None or step.spec.candidate_team_id == actor.team_id
    return False


def action_problems(step: OpenStep, action: TaskAction) -> list[dict[str, str]]:
    """What is missing from an otherwise allowed action; process workflows add their own."""
    problems = []
    if action.action in step.spec.comment_required_for and not (action.comment or "").strip():
        problems.append(
            {"field": "comment", "code": "comment_required", "message": N_("A comment is required for this decision.")}
        )
    return problems


class HumanStepsWorkflow:
    """Base class of every process workflow that waits for people."""

    def __init__(self) -> None:
        self._steps: dict[str, OpenStep] = {}
        self._handler_lock = asyncio.Lock()  # handlers that await activities run one at a time
        self._deliveries: list[asyncio.Task[None]] = []

    def send_later(self, notification_ids: list[int]) -> None:
        """Hand notifications to the outside channels without waiting for them."""
        if notification_ids:
            self._deliveries.append(asyncio.create_task(deliver(notification_ids)))

    async def deliveries_sent(self) -> None:
        """Before the process ends: what it handed on has been sent (or given up)."""
        await asyncio.gather(*self._deliveries)

    async def _send(self, notification_ids: list[int]) -> None:
        if workflow.patched(BACKGROUND_DELIVERY):
            self.send_later(notification_ids)
        else:  # histories from before deliveries went out beside the step
            await deliver(notification_ids)

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
        allowed: bool = await workflow.execute_activity(
            "actions.fence",
            info.id,
            result_type=bool,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
            summary="action accepted",
        )
        if not allowed:
            raise rejection("action_expired", "The action arrived too late and was not recorded.")

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
            await workflow.execute_activity(
                "tasks.claim",
                request,
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=ACTIVITY_RETRY,
                summary="record claim",
            )
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
        if expires_at is not None and workflow.now() > expires_at:
            raise rejection("action_expired", "The action arrived too late and was not recorded.")
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
        run = workflow.execute_local_activity if workflow.patched(LOCAL_TASK_WRITES) else workflow.execute_activity
        opened: OpenedTask = await run(
            "tasks.open",
            request,
            result_type=OpenedTask,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
            summary=f"open task: {spec.title}",
        )
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
        await workflow.execute_activity(
            "tasks.close",
            CloseTaskRequest(task_id=task_id, status=TaskStatus.cancelled, reason=reason),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
            summary="cancel task",
        )


class DeadlineClock:
    """The timer loop of one open step: reminder, overdue notices, escalations, in time order."""

    def __init__(
        self, step: OpenStep, policy: DeadlinePolicy, workflow_id: str, send: Callable[[list[int]], Awaitable[None]]
    ) -> None:
        self.step = step
        self.send = send
        self.policy = policy
        self.workflow_id = workflow_id
        self.reminded = policy.remind_before <= timedelta(0)
        self.notices = 0
        self.escalations = 0
        self.chain_exhausted = policy.escalate_after <= timedelta(0)

    def next_event(self) -> tuple[datetime, str] | None:
        due = self.step.opened.due_at
        candidates: list[tuple[datetime, str]] = []
        if not self.reminded:
            candidates.append((due - self.policy.remind_before, "reminder"))
        if self.notices == 0 or self.policy.repeat_every > timedelta(0):
            candidates.append((due + self.notices * self.policy.repeat_every, "overdue"))
        if not self.chain_exhausted:
            candidates.append((due + (self.escalations + 1) * self.policy.escalate_after, "escalation"))
        return min(candidates, key=lambda item: (item[0], item[1] != "reminder")) if candidates else None

    async def run(self) -> None:
        step = self.step
        while not step.closed:
            upcoming = self.next_event()
            if upcoming is None:
                await workflow.wait_condition(lambda: step.closed)
                break
            at, kind = upcoming
            remaining = at - workflow.now()
            if remaining > timedelta(0):
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(
                        lambda: step.closed, timeout=remaining, timeout_summary=f"{kind} for {step.spec.title}"
                    )
                continue
            await self.fire(kind)

    async def fire(self, kind: str) -> None:
        step = self.step
        event = DeadlineEvent(
            task_id=step.opened.task_id,
            workflow_id=self.workflow_id,
            sequence=self.notices,
            level=self.escalations + 1,
            notify_hr=step.spec.notify_hr_when_overdue,
        )
        title = step.spec.title % step.spec.title_params if step.spec.title_params else step.spec.title
        if kind == "reminder":
            self.reminded = True
            outcome = await _deadline_activity("tasks.remind", event, f"remind: {title}")
        elif kind == "overdue":
            self.notices += 1
            step.overdue = True
            outcome = await _deadline_activity("tasks.overdue_notice", event, f"overdue notice {self.notices}: {title}")
        else:
            outcome = await _deadline_activity("tasks.escalate", event, f"escalate level {event.level}: {title}")
            if outcome.target is None:
                self.chain_exhausted = True
            else:
                self.escalations += 1
                step.escalated_to.append(outcome.target)
        await self.send(outcome.notified)


async def _close_task(task_id: str, decision: TaskDecision, *, local: bool) -> None:
    run = workflow.execute_local_activity if local else workflow.execute_activity
    await run(
        "tasks.close",
        CloseTaskRequest(task_id=task_id, status=TaskStatus.done, decision=decision),
        start_to_close_timeout=ACTIVITY_TIMEOUT,
        retry_policy=ACTIVITY_RETRY,
        summary=f"close task: {decision.action}",
    )


async def _deadline_activity(name: str, event: DeadlineEvent, summary: str) -> DeadlineOutcome:
    result: DeadlineOutcome = await workflow.execute_activity(
        name,
        event,
        result_type=DeadlineOutcome,
        start_to_close_timeout=ACTIVITY_TIMEOUT,
        retry_policy=ACTIVITY_RETRY,
        summary=summary,
    )
    return result
