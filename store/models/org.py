"""The organisation: departments, teams, employees and company settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from schemas.org import EmployeeStatus
from store.models.base import Base, EnumString, UTCDateTime, utcnow


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    head_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", use_alter=True))


class Team(Base):
    """A sales team covers a region and an industry; it has one sales manager."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    region: Mapped[str] = mapped_column(String(50), default="")
    industry: Mapped[str] = mapped_column(String(50), default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", use_alter=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Employee(Base):
    """A person at the company. ``roles`` is a list of API role names.

    ``status`` moves active → offboarding → departed; ``order_freeze`` is set while a handover
    runs so the person cannot take new orders.
    """

    __tablename__ = "employees"
    __table_args__ = (Index("ix_employees_manager", "manager_id"), Index("ix_employees_team", "team_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[EmployeeStatus] = mapped_column(EnumString(EmployeeStatus, 20), default=EmployeeStatus.active)
    order_freeze: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str | None] = mapped_column(String(10))
    hired_on: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Setting(Base):
    """Company-wide settings such as ``order.head_threshold``; values are JSON."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
