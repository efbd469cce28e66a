"""The business events a process's history is read into (web/processes/history.py), and what the
reading keeps of the tasks it opened and of the updates people sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from schemas.history import HistoryKind


@dataclass
class ProcessEvent:
    """One business event, before it is worded for a reader."""

    event_id: int
    at: datetime
    kind: HistoryKind
    actor_id: int | None = None
    task_id: str | None = None
    title: tuple[str, dict[str, str]] | None = None  # the task's message id and its parameters
    assignee_id: int | None = None
    candidate_role: str | None = None
    due_at: datetime | None = None
    decision: str | None = None
    comment: str | None = None
    attachment_ids: list[int] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    to_id: int | None = None
    status: str | None = None
    process: str = ""  # the workflow type, on ``started``
    sequence: int | None = None  # which overdue notice, which escalation level
    returned: list[tuple[str, dict[str, str]] | str] = field(default_factory=list)  # items a sign-off sends back


@dataclass
class Update:
    """A Workflow Update the history accepted: who acted how, and what it recorded."""

    name: str
    argument: dict[str, Any]
    events: list[ProcessEvent] = field(default_factory=list)
    failed: bool = False

    @property
    def actor_id(self) -> int | None:
        actor = self.argument.get("actor")
        return actor.get("id") if isinstance(actor, dict) else None


@dataclass
class OpenedTask:
    """A task the history opened: its title and who holds it now."""

    title: tuple[str, dict[str, str]] | None
    holder_id: int | None
