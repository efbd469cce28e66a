"""A process's history in business terms (API.md "History and audit").

Temporal records every step a process took; these models are what a person reads of it: who was
asked, reminded, escalated to, who decided what and when the process moved on. ``summary`` is
rendered in the reader's language; the other fields are for programs.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class HistoryKind(StrEnum):
    started = "started"
    task_created = "task_created"
    reminder_sent = "reminder_sent"
    overdue_notice = "overdue_notice"
    escalated = "escalated"
    task_completed = "task_completed"
    status_changed = "status_changed"
    completed = "completed"


class HistoryEvent(BaseModel):
    """One business event. ``actor_id`` is null when the process acted by itself (a deadline, the
    next step opening); ``status`` is the new status of a ``status_changed``/``completed``."""

    event_id: int
    at: datetime
    kind: HistoryKind
    actor_id: int | None = None
    actor_name: str | None = None
    summary: str
    task_id: str | None = None
    assignee_id: int | None = None
    candidate_role: str | None = None
    due_at: datetime | None = None
    decision: str | None = None
    comment: str | None = None
    attachment_ids: list[int] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)
    to_id: int | None = None
    status: str | None = None


class RawEvent(BaseModel):
    """One Temporal history event, for readers who want to see the engine's own record."""

    event_id: int
    at: datetime
    type: str
    description: str = ""


class HistoryOut(BaseModel):
    """A page of a process's history, oldest first. Pass ``next_page_token`` back as
    ``page_token`` for the next page; it is null on the last one. ``raw_events`` is set instead
    of ``events`` when ``raw=true`` was asked."""

    workflow_id: str
    events: list[HistoryEvent] = Field(default_factory=list)
    raw_events: list[RawEvent] | None = None
    next_page_token: str | None = None
    temporal_ui_url: str | None = None
