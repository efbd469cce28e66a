"""Every wait a workflow does, on durable timers that carry a summary (a line in the history).

- :func:`wait_for`: until something happens, at most so long (a first submission, an expiry);
- :func:`wait_until`: until a moment comes, unless the process moves on first;
- :func:`repeat_until`: something at a moment and again at an interval after each time, until the
  process moves on (the daily notices past an offboarding's last working day);
- :class:`DeadlineClock`: the deadline policy of one open human step — reminder before due,
  overdue notices at due and every ``repeat_every``, escalation every ``escalate_after`` past due
  (used by :meth:`workflows.tasks.HumanStepsWorkflow.human_step`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from temporalio import workflow

from workflows import calls
from workflows.steps import OpenStep

with workflow.unsafe.imports_passed_through():
    from activities.tasks.steps import TaskActivities
    from schemas.policies import DeadlinePolicy
    from schemas.tasks import DeadlineEvent, DeadlineOutcome


async def wait_for(done: Callable[[], bool], timeout: timedelta, summary: str) -> bool:
    """Wait until ``done()`` holds, at most ``timeout``: True when it came true in time."""
    try:
        await workflow.wait_condition(done, timeout=timeout, timeout_summary=summary)
    except TimeoutError:
        return False
    return True


async def wait_until(at: datetime, moved_on: Callable[[], bool], summary: str) -> bool:
    """Wait until ``at`` (no timer when it has come): True when it came with the process still
    waiting, False when ``moved_on()`` came true first."""
    while not moved_on():
        remaining = at - workflow.now()
        if remaining <= timedelta(0):
            return True
        await wait_for(moved_on, remaining, summary)
    return False


async def repeat_until(
    moved_on: Callable[[], bool], first: datetime, every: timedelta, summary: str, act: Callable[[], Awaitable[None]]
) -> None:
    """``act`` at ``first``, then ``every`` after each time it finished, until ``moved_on()``."""
    at = first
    while await wait_until(at, moved_on, summary):
        await act()
        at = workflow.now() + every


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
            if await wait_until(at, lambda: step.closed, f"{kind} for {step.spec.title}"):
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
        outcome: DeadlineOutcome
        if kind == "reminder":
            self.reminded = True
            outcome = await calls.call(TaskActivities.remind, event, f"remind: {title}")
        elif kind == "overdue":
            self.notices += 1
            step.overdue = True
            outcome = await calls.call(TaskActivities.overdue_notice, event, f"overdue notice {self.notices}: {title}")
        else:
            outcome = await calls.call(TaskActivities.escalate, event, f"escalate level {event.level}: {title}")
            if outcome.target is None:
                self.chain_exhausted = True
            else:
                self.escalations += 1
                step.escalated_to.append(outcome.target)
        await self.send(outcome.notified)
