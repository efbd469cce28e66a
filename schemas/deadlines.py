"""What a deadline policy is: how long a human step may take and what happens when it runs late.

Durations are ISO 8601 (``P3D``, ``PT4H``). ``due_in`` counts Chinese working days when
``calendar`` is ``working_days`` (whole days only), wall-clock time otherwise. A process takes a
snapshot of the policies when it starts, so a later change never moves a running deadline.

Each process declares the policies of its own steps, with their defaults, beside the steps
(:class:`StepPolicy` in ``schemas/orders.py``, ``schemas/offboarding.py``, ...); this module knows
none of them, so every process module can build on it, and ``schemas/policies.py`` gathers them
for the policies page and the API.
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from schemas.kernel.errors import N_

ZERO = timedelta(0)
DAY, HOUR = timedelta(days=1), timedelta(hours=1)


class CalendarKind(StrEnum):
    wall = "wall"
    working_days = "working_days"


WORKING = CalendarKind.working_days
DURATION_FIELDS = ("due_in", "remind_before", "repeat_every", "escalate_after")

# Weeks, days, hours, minutes, seconds; optionally signed so "-P1D" is reported as negative rather
# than as gibberish. Years and months are refused: their length depends on the date they start.
ISO_DURATION = re.compile(
    r"[+-]?P(?=\d|T\d)(?:\d+(?:\.\d+)?W)?(?:\d+(?:\.\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?"
)

# A policy longer than a year is a typo, and working days are counted one day at a time.
LONGEST = timedelta(days=366)

NOT_ISO_MESSAGE = N_("Enter an ISO 8601 duration in weeks, days, hours, minutes or seconds, such as P3D or PT4H.")
NEGATIVE_MESSAGE = N_("Must not be negative.")
TOO_LONG_MESSAGE = N_("At most 366 days.")


class PolicyRule(NamedTuple):
    """One rule that ties policy fields together, reported on the field a person should change."""

    code: str
    field: str
    message: str

    def error(self) -> PydanticCustomError:
        return PydanticCustomError(self.code, self.message, {"field": self.field})


DUE_NOT_POSITIVE = PolicyRule("due_not_positive", "due_in", N_("The due time must be longer than zero."))
REMIND_NOT_BEFORE_DUE = PolicyRule(
    "remind_not_before_due", "remind_before", N_("The reminder must come before the due time.")
)
FRACTIONAL_WORKING_DAYS = PolicyRule("fractional_working_days", "due_in", N_("Working-day deadlines count whole days."))
REPEAT_TOO_OFTEN = PolicyRule("repeat_too_often", "repeat_every", N_("Overdue notices repeat at most once a minute."))
RULE_INPUTS = ("calendar", "due_in", "remind_before", "repeat_every")
OWN_RULE_CODES = frozenset(
    {
        "iso_duration",
        "negative",
        "too_long",
        DUE_NOT_POSITIVE.code,
        REMIND_NOT_BEFORE_DUE.code,
        FRACTIONAL_WORKING_DAYS.code,
        REPEAT_TOO_OFTEN.code,
    }
)


def broken_rules(
    *,
    due_in: timedelta | None = None,
    remind_before: timedelta | None = None,
    repeat_every: timedelta | None = None,
    calendar: CalendarKind | None = None,
) -> list[PolicyRule]:
    """The rules these values break; a value not known yet (None) skips the rules that need it."""
    broken = []
    if due_in is not None and due_in <= ZERO:
        broken.append(DUE_NOT_POSITIVE)
    if due_in is not None and remind_before and remind_before >= due_in:
        broken.append(REMIND_NOT_BEFORE_DUE)
    if due_in is not None and calendar == CalendarKind.working_days and due_in % timedelta(days=1):
        broken.append(FRACTIONAL_WORKING_DAYS)
    if repeat_every and repeat_every < timedelta(minutes=1):
        broken.append(REPEAT_TOO_OFTEN)
    return broken


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
            raise PydanticCustomError("negative", NEGATIVE_MESSAGE)
        return value

    @model_validator(mode="after")
    def coherent(self) -> DeadlinePolicy:
        """The last line of defence for policies built in code; the error names its field in ``ctx``."""
        broken = broken_rules(
            due_in=self.due_in, remind_before=self.remind_before, repeat_every=self.repeat_every, calendar=self.calendar
        )
        if broken:
            raise broken[0].error()
        return self


def deadline(
    due: timedelta,
    remind: timedelta = ZERO,
    repeat: timedelta = ZERO,
    escalate: timedelta = ZERO,
    calendar: CalendarKind = CalendarKind.wall,
) -> DeadlinePolicy:
    """A policy in one line, for the defaults the processes declare."""
    return DeadlinePolicy(
        due_in=due, remind_before=remind, repeat_every=repeat, escalate_after=escalate, calendar=calendar
    )


class StepPolicy(NamedTuple):
    """The deadline policy of one kind of human step, declared by its process: the key it is stored
    and edited under, what the policies page calls it (a message id), and the sensible starting point
    an admin tunes. ``due_only``: the deadline is the whole policy (the step expires, nobody is
    reminded or escalated)."""

    key: str
    title: str
    default: DeadlinePolicy
    due_only: bool = False


class PolicySnapshot(BaseModel):
    """The policies a process runs under, taken once at its start (every known key)."""

    policies: dict[str, DeadlinePolicy] = Field(default_factory=dict)

    def get(self, step: StepPolicy | str) -> DeadlinePolicy:
        """The policy of a step as the snapshot holds it. Given the step's :class:`StepPolicy`, a
        step added after the process started (its key not in the snapshot) runs under its default."""
        if isinstance(step, str):
            return self.policies[step]
        return self.policies.get(step.key) or step.default
