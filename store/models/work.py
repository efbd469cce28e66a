"""The projection of open human work (tasks), notifications and evidence files.

Temporal owns where a process stands; these rows are what activities write so the inbox and
every list page can read plain SQL, filtered by permission.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from schemas.notifications import DeliveryStatus
from schemas.tasks import TaskStatus
from store.models.base import Base, EnumString, UTCDateTime, utcnow


class Task(Base):
    """One human step of a process: assigned to a person, or to a role (optionally within a
    team) until somebody claims it. ``escalated_to_id`` may act as well as the assignee."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_assignee_status", "assignee_id", "status"),
        Index("ix_tasks_role_status", "candidate_role", "status"),
        Index("ix_tasks_escalated_status", "escalated_to_id", "status"),
        Index("ix_tasks_workflow", "workflow_id"),
    )

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    process: Mapped[str] = mapped_column(String(20))
    process_id: Mapped[str] = mapped_column(String(60))
    workflow_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    candidate_role: Mapped[str | None] = mapped_column(String(30))
    candidate_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    escalated_to_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    escalation_level: Mapped[int] = mapped_column(default=0)
    delegated_from_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    subject: Mapped[str] = mapped_column(String(200), default="")
    policy_key: Mapped[str | None] = mapped_column(String(60))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[TaskStatus] = mapped_column(EnumString(TaskStatus, 20), default=TaskStatus.open)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    actions: Mapped[list[str]] = mapped_column(JSON, default=list)
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decision: Mapped[str | None] = mapped_column(String(30))
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TaskExclusion(Base):
    """Someone who may not act on a role task although they hold the role (separation of duties:
    an order's owner, or who approved an earlier step of it)."""

    __tablename__ = "task_exclusions"

    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), primary_key=True)


class Notification(Base):
    """A message to one person. ``dedupe_key`` makes a retried activity write it once."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_recipient_read", "recipient_id", "read"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    # The English message id and its parameters, so each reader sees the title in their language;
    # ``title`` holds it rendered in the company language for e-mail and WeCom.
    message_id: Mapped[str | None] = mapped_column(String(300))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    task_id: Mapped[str | None] = mapped_column(String(120))
    process_id: Mapped[str | None] = mapped_column(String(100))
    dedupe_key: Mapped[str | None] = mapped_column(String(250), unique=True)
    read: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NotificationDelivery(Base):
    """One send of a notification over an outside channel (email, WeCom). The unique
    ``idempotency_key`` is claimed before sending, so a retried activity never sends twice."""

    __tablename__ = "notification_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(250), unique=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"))
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(300))
    status: Mapped[DeliveryStatus] = mapped_column(EnumString(DeliveryStatus, 20), default=DeliveryStatus.pending)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Attachment(Base):
    """An evidence file. Content lives under the data dir by SHA-256, never in the web root."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_task", "task_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[str | None] = mapped_column(String(120))
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
