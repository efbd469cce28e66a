"""Risk alerts, the rules' settings and the scans that raise them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from schemas.alerts import AlertStatus
from store.models.base import Base, EnumString, UTCDateTime, utcnow

UNRESOLVED = text("status <> 'resolved'")


class AlertRuleSetting(Base):
    """An admin's settings of one rule; a rule without a row runs with its defaults."""

    __tablename__ = "alert_rules"

    rule: Mapped[str] = mapped_column(String(40), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    severity: Mapped[str] = mapped_column(String(10))
    thresholds: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class RiskScan(Base):
    """One run of the scan (daily schedule or by hand): when, how far, how many alerts it raised."""

    __tablename__ = "risk_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[str] = mapped_column(String(120), unique=True)
    trigger: Mapped[str] = mapped_column(String(20))
    started_by: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rules_total: Mapped[int] = mapped_column(Integer, default=0)
    rules_done: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Alert(Base):
    """What a rule found about an employee or a customer, and what the manager did about it.

    At most one unresolved alert exists per rule and subject (a partial unique index). ``detail``
    keeps the figures the rule saw when it raised the alert; ``condition_cleared_at`` is set by
    the first later scan that no longer finds the condition, and a resolved alert is raised anew
    only once its condition has cleared and returned.
    """

    __tablename__ = "alerts"
    __table_args__ = (
        Index(
            "uq_alerts_unresolved",
            "rule",
            "subject_type",
            "subject_id",
            unique=True,
            sqlite_where=UNRESOLVED,
            postgresql_where=UNRESOLVED,
        ),
        Index("ix_alerts_rule_subject", "rule", "subject_id"),
        Index("ix_alerts_status_created", "status", "created_at"),
        Index("ix_alerts_team_status", "team_id", "status"),
        Index("ix_alerts_scan", "scan_id"),  # what one scan raised (a retried rule, the scan's card)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(40))
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(Integer)
    severity: Mapped[str] = mapped_column(String(10))
    status: Mapped[AlertStatus] = mapped_column(EnumString(AlertStatus, 20), default=AlertStatus.open)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("risk_scans.id"))
    workflow_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    condition_cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    resolution_note: Mapped[str | None] = mapped_column(Text)
