"""Deadline policies: how long a human step may take and what happens when it runs late.

Durations are ISO 8601 (``P3D``, ``PT4H``). ``due_in`` counts Chinese working days when
``calendar`` is ``working_days`` (whole days only), wall-clock time otherwise. A process takes a
snapshot of the policies when it starts, so a later change never moves a running deadline.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ZERO = timedelta(0)


class CalendarKind(StrEnum):
    wall = "wall"
    working_days = "working_days"


class DeadlinePolicy(BaseModel):
    """``remind_before`` ahead of due a reminder; at due an overdue notice, repeated every
    ``repeat_every`` (zero: once); ``escalate_after`` past due one level up (zero: never)."""

    model_config = ConfigDict(extra="forbid")

    due_in: timedelta
    remind_before: timedelta = ZERO
    repeat_every: timedelta = ZERO
    escalate_after: timedelta = ZERO
    calendar: CalendarKind = CalendarKind.wall

    @field_validator("due_in", "remind_before", "repeat_every", "escalate_after")
    @classmethod
    def not_negative(cls, value: timedelta) -> timedelta:
        if value < ZERO:
            raise ValueError("must not be negative")
        return value

    @model_validator(mode="after")
    def coherent(self) -> DeadlinePolicy:
        if self.due_in <= ZERO:
            raise ValueError("due_in must be longer than zero")
        if self.remind_before and self.remind_before >= self.due_in:
            raise ValueError("remind_before must be shorter than due_in")
        if self.calendar == CalendarKind.working_days and self.due_in % timedelta(days=1):
            raise ValueError("due_in in working days must be whole days")
        if self.repeat_every and self.repeat_every < timedelta(minutes=1):
            raise ValueError("repeat_every must be at least one minute")
        return self


class PolicyIn(BaseModel):
    """Body of ``PUT /api/policies/{key}``: ISO 8601 durations as strings."""

    model_config = ConfigDict(extra="forbid")

    due_in: timedelta
    remind_before: timedelta = ZERO
    repeat_every: timedelta = ZERO
    escalate_after: timedelta = ZERO
    calendar: CalendarKind = CalendarKind.wall


class PolicyOut(BaseModel):
    key: str
    due_in: str
    remind_before: str
    repeat_every: str
    escalate_after: str
    calendar: CalendarKind


POLICY_KEYS = (
    "offboarding.item", "offboarding.reassignment", "offboarding.review", "offboarding.final",
    "order.manager_approval", "order.head_approval", "order.finance_approval", "order.expiry",
    "commission.review", "alert.followup",
)


def _p(due: timedelta, remind: timedelta = ZERO, repeat: timedelta = ZERO, escalate: timedelta = ZERO,
       calendar: CalendarKind = CalendarKind.wall) -> DeadlinePolicy:
    return DeadlinePolicy(due_in=due, remind_before=remind, repeat_every=repeat, escalate_after=escalate,
                          calendar=calendar)


DAY, HOUR = timedelta(days=1), timedelta(hours=1)
WORKING = CalendarKind.working_days

# Sensible starting points; admins tune them on the policies page.
DEFAULT_POLICIES: dict[str, DeadlinePolicy] = {
    "offboarding.item": _p(5 * DAY, DAY, DAY, 2 * DAY, WORKING),
    "offboarding.reassignment": _p(3 * DAY, DAY, DAY, DAY, WORKING),
    "offboarding.review": _p(2 * DAY, 4 * HOUR, DAY, DAY, WORKING),
    "offboarding.final": _p(1 * DAY, 4 * HOUR, DAY, DAY, WORKING),
    "order.manager_approval": _p(8 * HOUR, 2 * HOUR, 4 * HOUR, DAY),
    "order.head_approval": _p(DAY, 4 * HOUR, 8 * HOUR, DAY),
    "order.finance_approval": _p(DAY, 4 * HOUR, 8 * HOUR, DAY),
    "order.expiry": _p(7 * DAY),
    "commission.review": _p(3 * DAY, DAY, DAY, 2 * DAY, WORKING),
    "alert.followup": _p(2 * DAY, 8 * HOUR, DAY, 2 * DAY, WORKING),
}


class PolicySnapshot(BaseModel):
    """The policies a process runs under, taken once at its start."""

    policies: dict[str, DeadlinePolicy] = Field(default_factory=dict)

    def get(self, key: str) -> DeadlinePolicy:
        return self.policies.get(key) or DEFAULT_POLICIES[key]
