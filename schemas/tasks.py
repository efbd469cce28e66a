"""Human steps: what a workflow asks of a person, what the person answers, and the task view.

These models cross every boundary: the workflow builds a :class:`StepSpec`, the ``tasks.open``
activity turns it into a task row and answers :class:`OpenedTask`; the web layer sends a
:class:`TaskAction` as a Workflow Update and gets a :class:`TaskState` back.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from schemas.deadlines import DeadlinePolicy


class Process(StrEnum):
    offboarding = "offboarding"
    order = "order"
    commission = "commission"
    alert = "alert"


class TaskStatus(StrEnum):
    open = "open"
    done = "done"
    cancelled = "cancelled"


def action_expired(expires_at: datetime | None, now: datetime) -> bool:
    """An action carries the moment it stops counting (the web answers 503 after it): one that
    arrives later was never recorded, whichever process it was meant for."""
    return expires_at is not None and now > expires_at


class Actor(BaseModel):
    """Who acts, as the web layer authenticated them."""

    id: int
    roles: list[str] = Field(default_factory=list)
    team_id: int | None = None


class StepSpec(BaseModel):
    """One human step a workflow waits for.

    Either ``assignee_id`` (a person) or ``candidate_role`` (optionally within
    ``candidate_team_id``: anyone holding the role may claim it) is set.
    """

    key: str = Field(pattern=r"^[A-Za-z0-9_.\-]+$")
    kind: str
    title: str  # an English message id, rendered per reader with ``title_params``
    title_params: dict[str, str] = Field(default_factory=dict)
    process: Process
    process_id: str
    subject: str = ""
    assignee_id: int | None = None
    candidate_role: str | None = None
    candidate_team_id: int | None = None
    actions: list[str]
    policy_key: str
    context: dict[str, Any] = Field(default_factory=dict)
    comment_required_for: list[str] = Field(default_factory=lambda: ["reject"])
    notify_hr_when_overdue: bool = False
    excluded_actor_ids: list[int] = Field(default_factory=list)
    due_not_after: datetime | None = None  # e.g. a handover item never falls due after the last day


class OpenTaskRequest(BaseModel):
    workflow_id: str
    task_id: str
    spec: StepSpec
    policy: DeadlinePolicy
    opened_at: datetime


class OpenedTask(BaseModel):
    task_id: str
    assignee_id: int | None
    delegated_from_id: int | None = None
    due_at: datetime
    notified: list[int] = Field(default_factory=list)  # new in-app notifications to deliver outside


class DeadlineOutcome(BaseModel):
    """What a reminder / overdue / escalation activity did: who was notified, where it escalated."""

    notified: list[int] = Field(default_factory=list)
    target: int | None = None


class TaskAction(BaseModel):
    """The argument of the ``complete_task`` Workflow Update."""

    model_config = ConfigDict(extra="forbid")

    task_id: str
    action: str
    actor: Actor
    comment: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    attachment_ids: list[int] = Field(default_factory=list)
    expires_at: datetime | None = None


class ClaimRequest(BaseModel):
    task_id: str
    actor: Actor
    release: bool = False
    expires_at: datetime | None = None


class TaskDecision(BaseModel):
    """What the waiting process receives when a person acts."""

    task_id: str
    action: str
    actor_id: int
    comment: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    attachment_ids: list[int] = Field(default_factory=list)
    decided_at: datetime


class TaskState(BaseModel):
    """A task as the workflow sees it (the answer of updates and the task query)."""

    task_id: str
    status: TaskStatus
    assignee_id: int | None
    candidate_role: str | None = None
    escalated_to: list[int] = Field(default_factory=list)
    due_at: datetime | None = None
    overdue: bool = False
    decision: str | None = None
    completed_by: int | None = None


class DeadlineEvent(BaseModel):
    """A reminder, overdue notice or escalation the helper asks the ``tasks.*`` activities to send."""

    task_id: str
    workflow_id: str
    sequence: int = 0
    level: int = 0
    notify_hr: bool = False


class CloseTaskRequest(BaseModel):
    task_id: str
    status: TaskStatus
    decision: TaskDecision | None = None
    reason: str | None = None


class TaskOut(BaseModel):
    """The JSON API view of a task (API.md "Tasks and notifications")."""

    id: str
    process: str
    process_id: str
    workflow_id: str
    kind: str
    title: str
    subject: str = ""
    assignee_id: int | None
    candidate_role: str | None = None
    escalated_to_id: int | None = None
    due_at: datetime | None
    status: TaskStatus
    overdue: bool
    escalated: bool
    actions: list[str]
    decision: str | None = None
    completed_by: int | None = None
    context: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime | None = None


class CompleteTaskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: str = Field(min_length=1, max_length=40)
    comment: str | None = Field(default=None, max_length=4000)
    data: dict[str, Any] = Field(default_factory=dict)
    attachment_ids: list[int] = Field(default_factory=list)
