"""One open human step as its workflow keeps it, and the checks on a person's action that every
process shares: who may act, what the action must carry, when it comes too late. The validators
of :class:`workflows.tasks.HumanStepsWorkflow` read only this, never the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from schemas.kernel.errors import N_
    from schemas.tasks import (
        Actor,
        OpenedTask,
        StepSpec,
        TaskAction,
        TaskDecision,
        TaskState,
        TaskStatus,
        action_expired,
    )


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


def expired() -> ApplicationError:
    """The refusal of an action that came too late: past its own deadline, or fenced off."""
    return rejection("action_expired", "The action arrived too late and was not recorded.")


def refuse_expired(expires_at: datetime | None) -> None:
    """Every validator's first check: an action the web already answered 503 for never counts."""
    if action_expired(expires_at, workflow.now()):
        raise expired()


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
