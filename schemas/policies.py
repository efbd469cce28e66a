"""Deadline policies: how long a human step may take and what happens when it runs late.

Durations are ISO 8601 (``P3D``, ``PT4H``). ``due_in`` counts Chinese working days when
``calendar`` is ``working_days`` (whole days only), wall-clock time otherwise. A process takes a
snapshot of the policies when it starts, so a later change never moves a running deadline.
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum
from typing import Any, NamedTuple

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from schemas.kernel.errors import N_, InvalidInput

ZERO = timedelta(0)


class CalendarKind(StrEnum):
    wall = "wall"
    working_days = "working_days"


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


class PolicyIn(BaseModel):
    """Body of ``PUT /api/policies/{key}``: ISO 8601 durations as strings.

    Numbers and pydantic's other lax forms ("3 days", "03:00:00") are refused: a policy is read
    by people, and ``3`` could mean seconds or days. Each rule is checked on the field it concerns
    (validators see the fields declared before them), so one answer lists every problem;
    ``calendar`` is declared first because the whole-day rule on ``due_in`` reads it.
    """

    model_config = ConfigDict(extra="forbid")

    calendar: CalendarKind = CalendarKind.wall
    due_in: timedelta
    remind_before: timedelta = ZERO
    repeat_every: timedelta = ZERO
    escalate_after: timedelta = ZERO

    @field_validator(*DURATION_FIELDS, mode="before")
    @classmethod
    def iso_8601_only(cls, value: object) -> object:
        if isinstance(value, timedelta):
            return value
        if isinstance(value, str) and ISO_DURATION.fullmatch(value.strip().upper()):
            return value.strip().upper()
        raise PydanticCustomError("iso_duration", NOT_ISO_MESSAGE)

    @field_validator(*DURATION_FIELDS)
    @classmethod
    def within_the_rules(cls, value: timedelta, info: ValidationInfo) -> timedelta:
        if value < ZERO:
            raise PydanticCustomError("negative", NEGATIVE_MESSAGE)
        if value > LONGEST:
            raise PydanticCustomError("too_long", TOO_LONG_MESSAGE)
        if info.field_name not in RULE_INPUTS:
            return value
        known: dict[str, Any] = {name: info.data.get(name) for name in RULE_INPUTS}
        known[info.field_name] = value
        for rule in broken_rules(**known):
            if rule.field == info.field_name:
                raise rule.error()
        return value


class PolicyOut(BaseModel):
    key: str
    due_in: str
    remind_before: str
    repeat_every: str
    escalate_after: str
    calendar: CalendarKind


class PolicyList(BaseModel):
    items: list[PolicyOut]
    total: int


POLICY_KEYS = (
    "offboarding.item",
    "offboarding.reassignment",
    "offboarding.review",
    "offboarding.final",
    "order.manager_approval",
    "order.head_approval",
    "order.finance_approval",
    "order.expiry",
    "commission.review",
    "alert.followup",
)


def _p(
    due: timedelta,
    remind: timedelta = ZERO,
    repeat: timedelta = ZERO,
    escalate: timedelta = ZERO,
    calendar: CalendarKind = CalendarKind.wall,
) -> DeadlinePolicy:
    return DeadlinePolicy(
        due_in=due, remind_before=remind, repeat_every=repeat, escalate_after=escalate, calendar=calendar
    )


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


# What each step is called on the policies page (English message ids, translated where shown).
POLICY_TITLES: dict[str, str] = {
    "offboarding.item": N_("Handover checklist item"),
    "offboarding.reassignment": N_("Customer reassignment plan"),
    "offboarding.review": N_("Offboarding sign-off"),
    "offboarding.final": N_("Final offboarding confirmation"),
    "order.manager_approval": N_("Order approval by the team manager"),
    "order.head_approval": N_("Order approval by the department head"),
    "order.finance_approval": N_("Order approval by finance"),
    "order.expiry": N_("An undecided order expires"),
    "commission.review": N_("Commission statement review"),
    "alert.followup": N_("Risk alert follow-up"),
}

# Steps where nobody is reminded or escalated: the deadline itself is the whole policy.
DUE_ONLY_KEYS = frozenset({"order.expiry"})
ONLY_DUE_MESSAGE = N_("Only the due time applies to this step.")

# Pydantic's own error types, in words the catalogue can translate.
_PLAIN_MESSAGES = {
    "missing": N_("This field is required."),
    "enum": N_("Choose one of the offered values."),
    "extra_forbidden": N_("This field is not expected."),
    "time_delta_parsing": NOT_ISO_MESSAGE,
    "time_delta_type": NOT_ISO_MESSAGE,
}
_OTHER_MESSAGE = N_("This value is not valid.")

_DURATION = TypeAdapter(timedelta)


def iso_duration(value: timedelta) -> str:
    """ISO 8601 text the way pydantic's JSON mode writes it (``P3D``, ``PT4H``, ``PT0S``)."""
    return str(_DURATION.dump_python(value, mode="json"))


def iso_fields(policy: DeadlinePolicy) -> dict[str, str]:
    """A policy as stored and answered: ISO 8601 durations and the calendar name."""
    fields = {name: iso_duration(getattr(policy, name)) for name in DURATION_FIELDS}
    fields["calendar"] = policy.calendar.value
    return fields


def policy_out(key: str, policy: DeadlinePolicy) -> PolicyOut:
    return PolicyOut.model_validate({"key": key, **iso_fields(policy)})


def validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    """Every problem as ``{"field","code","message"}``; model-level errors name their field via ``ctx``."""
    details = []
    for problem in exc.errors(include_url=False):
        context = problem.get("ctx") or {}
        location = ".".join(str(part) for part in problem.get("loc", ()))
        code = problem["type"]
        message = problem["msg"] if code in OWN_RULE_CODES else _PLAIN_MESSAGES.get(code, _OTHER_MESSAGE)
        details.append({"field": context.get("field") or location or "policy", "code": code, "message": message})
    return details


def policy_from_input(body: PolicyIn) -> DeadlinePolicy:
    """The policy an accepted body describes; a rule it still breaks becomes 422 ``invalid_input``."""
    try:
        return DeadlinePolicy.model_validate(body.model_dump())
    except ValidationError as exc:
        raise InvalidInput(details=validation_details(exc)) from exc


def only_due_problems(key: str, policy: DeadlinePolicy) -> list[dict[str, Any]]:
    """For steps that only expire, any reminder, repeat or escalation is a mistake worth saying."""
    if key not in DUE_ONLY_KEYS:
        return []
    return [
        {"field": name, "code": "only_due", "message": ONLY_DUE_MESSAGE}
        for name in ("remind_before", "repeat_every", "escalate_after")
        if getattr(policy, name)
    ]
