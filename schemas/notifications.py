"""Notifications as the API shows them, and what a delivery attempt reports back to a workflow."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field


class DeliveryStatus(StrEnum):
    """One outside delivery of a notification (e-mail, WeCom): waiting, sent once, or given up."""

    pending = "pending"
    sent = "sent"
    failed = "failed"


class NotificationOut(BaseModel):
    id: int
    kind: str = Field(description="reminder / overdue / escalation / info")
    task_id: str | None
    process_id: str | None
    title: str = Field(description="in the reader's language")
    body: str = ""
    created_at: datetime
    read: bool


class NotificationList(BaseModel):
    items: list[NotificationOut]
    total: int
    unread: int = Field(description="the caller's unread notifications, whatever the filter")


class MarkedRead(BaseModel):
    updated: int


class DeliveryReport(BaseModel):
    """Per channel name: sent now, sent by an earlier attempt, or not reachable for this person."""

    notification_id: int
    sent: list[str] = Field(default_factory=list)
    already_sent: list[str] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)
