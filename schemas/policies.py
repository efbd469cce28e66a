"""Deadline policies as people set them: every process's step policies gathered in one list (the
order of the policies page and of ``GET /api/policies``), the API bodies, and the checks that
answer a person's mistakes in words.

What a policy is, and a process's snapshot of them, is ``schemas/deadlines.py``; which policies
exist is decided by the processes themselves, beside their steps: adding a step with a policy of
its own touches its process's schema, never this list.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from schemas.alerts import ALERT_FOLLOWUP
from schemas.commission import COMMISSION_REVIEW
from schemas.deadlines import (
    DURATION_FIELDS,
    ISO_DURATION,
    LONGEST,
    NEGATIVE_MESSAGE,
    NOT_ISO_MESSAGE,
    OWN_RULE_CODES,
    RULE_INPUTS,
    TOO_LONG_MESSAGE,
    ZERO,
    CalendarKind,
    DeadlinePolicy,
    StepPolicy,
    broken_rules,
)
from schemas.kernel.errors import N_, InvalidInput
from schemas.offboarding import OFFBOARDING_POLICIES
from schemas.orders import ORDER_POLICIES

STEP_POLICIES: tuple[StepPolicy, ...] = (*OFFBOARDING_POLICIES, *ORDER_POLICIES, COMMISSION_REVIEW, ALERT_FOLLOWUP)
POLICY_KEYS = tuple(step.key for step in STEP_POLICIES)
# Sensible starting points; admins tune them on the policies page.
DEFAULT_POLICIES: dict[str, DeadlinePolicy] = {step.key: step.default for step in STEP_POLICIES}
# What each step is called on the policies page (English message ids, translated where shown).
POLICY_TITLES: dict[str, str] = {step.key: step.title for step in STEP_POLICIES}
# Steps where nobody is reminded or escalated: the deadline itself is the whole policy.
DUE_ONLY_KEYS = frozenset(step.key for step in STEP_POLICIES if step.due_only)
ONLY_DUE_MESSAGE = N_("Only the due time applies to this step.")


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
