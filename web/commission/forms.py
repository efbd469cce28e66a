"""The commission page forms read into the bodies the API takes, so a page and an API call are the
same action: the open form into a period, the plan form into ``PlanIn``, a line's dispute into
``DisputeIn``, a manager's answer into ``ResolutionIn``, a review decision into ``CompleteTaskIn``.

Nothing is judged here beyond reading: the schemas decide, and each problem comes back as a
message id the page translates, naming the tier row it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from schemas.commission import DisputeIn, PlanIn, ResolutionIn, SettlementIn
from schemas.kernel.errors import N_, InvalidInput
from schemas.kernel.money import as_typed, money_problem
from schemas.tasks import CompleteTaskIn
from web.shared.forms import TOO_LONG, checked, record_id

RATE = N_("A rate is a percentage from 0 to 100 with at most two decimals, such as 2.5.")
PERIOD = N_("A period is written YYYY-MM, for example 2026-10.")
FIELD_PROBLEMS = {
    "from": N_("A tier starts at an amount of 0 or more, with at most two decimals."),
    "rate": RATE,
    "tiers": N_("Give between one and twenty tiers."),
    "service_rates": RATE,
    "hold_forfeit_days": N_("Held commission waits a whole number of days, from 1 to 3650."),
    "effective_from": PERIOD,
    "period": PERIOD,
    "comment": N_("Say what is wrong with the line (up to 2000 characters)."),
    "payment_id": N_("Choose a line of your statement."),
    "kind": N_("Choose a line of your statement."),
    "decision": N_("Adjust or reject the dispute."),
    "amount": N_("Give the amount in yuan, with at most two decimals."),
    "reason": N_("Give the reason (up to 2000 characters)."),
}
SPARE_ROWS = 2
Body = TypeVar("Body", bound=BaseModel)


@dataclass
class PlanForm:
    """The plan form as typed: tier rows (from, rate), service rows (code, rate), the period it
    takes effect and the days held commission waits (blank: never forfeited)."""

    tiers: list[tuple[str, str]] = field(default_factory=list)
    services: list[tuple[str, str]] = field(default_factory=list)
    effective_from: str = ""
    hold_days: str = ""

    def padded(self) -> PlanForm:
        """With empty rows to add tiers and service rates without JavaScript."""
        return replace(
            self, tiers=self.tiers + [("", "")] * SPARE_ROWS, services=self.services + [("", "")] * SPARE_ROWS
        )


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _rows(form: FormData, first: str, second: str) -> list[tuple[str, str]]:
    pairs = zip(form.getlist(first), form.getlist(second), strict=False)
    rows = [(str(a).strip(), str(b).strip()) for a, b in pairs]
    return [row for row in rows if row != ("", "")]


def read_plan(form: FormData) -> PlanForm:
    return PlanForm(
        tiers=_rows(form, "tier_from", "tier_rate"),
        services=_rows(form, "service_code", "service_rate"),
        effective_from=_text(form, "effective_from"),
        hold_days=_text(form, "hold_forfeit_days"),
    )


def percent_of(rate: str | Decimal) -> str:
    """A stored rate as people type it: ``0.0275`` → ``2.75``."""
    return f"{(Decimal(str(rate)) * 100).normalize():f}"


def fraction_of(percent: str) -> str | None:
    """``2.75`` (per cent, as typed) → ``0.0275`` as the plan keeps it; None for anything that is
    not a percentage from 0 to 100 with at most two decimals."""
    try:
        value = Decimal(percent.strip().rstrip("%").strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or not 0 <= value <= 100 or value != value.quantize(Decimal("0.01")):
        return None
    return f"{(value / 100).normalize():f}"


def plan_body(typed: PlanForm) -> PlanIn:
    """The page takes rates in per cent; the plan (and the API) keeps them as fractions."""
    problems: list[dict[str, Any]] = [
        {"field": f"tiers.{row}.rate", "code": "percent", "message": RATE, "row": row}
        for row, (_start, rate) in enumerate(typed.tiers)
        if fraction_of(rate) is None
    ]
    if any(fraction_of(rate) is None for _code, rate in typed.services):
        problems.append({"field": "service_rates", "code": "percent", "message": RATE})
    if problems:
        raise InvalidInput(details=problems)
    return validated(
        PlanIn,
        {
            "tiers": [{"from": as_typed(start), "rate": fraction_of(rate)} for start, rate in typed.tiers],
            "service_rates": {code: fraction_of(rate) for code, rate in typed.services},
            "effective_from": typed.effective_from or None,
            "hold_forfeit_days": typed.hold_days or None,
        },
    )


def period_body(period: str) -> str:
    return validated(SettlementIn, {"period": period.strip()}).period


def dispute_body(payment_id: str, kind: str, comment: str) -> DisputeIn:
    return validated(DisputeIn, {"payment_id": record_id(payment_id) or 0, "kind": kind, "comment": comment})


def resolution_body(decision: str, amount: str, reason: str) -> ResolutionIn:
    return validated(ResolutionIn, {"decision": decision, "amount": as_typed(amount) or None, "reason": reason})


def task_body(action: str, comment: str) -> CompleteTaskIn:
    return checked(CompleteTaskIn, {"action": action, "comment": comment or None}, {"comment": TOO_LONG})


def validated(model: type[Body], fields: dict[str, Any]) -> Body:
    """The body, or a refusal listing each problem once in the reader's words: a rule of the
    schema by its own message, a field by what it expects; a tier's problem names its row."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        problems: list[dict[str, Any]] = []
        for error in exc.errors():
            location = [part for part in error["loc"] if isinstance(part, str)]
            name = next((part for part in reversed(location) if part in FIELD_PROBLEMS), "")
            cause = (error.get("ctx") or {}).get("error")
            money = money_problem(error)  # an amount, in the words of every money field
            message = (
                str(cause)
                if error["type"] == "value_error" and cause
                else FIELD_PROBLEMS.get(name, N_("Some fields are not valid."))
            )
            where = ".".join(str(part) for part in error["loc"]) or "body"
            problem: dict[str, Any] = {"field": where, "code": error["type"], "message": message, **(money or {})}
            message = problem["message"]
            if error["loc"][:1] == ("tiers",) and len(error["loc"]) > 1 and isinstance(error["loc"][1], int):
                problem["row"] = error["loc"][1]
            if all(p["message"] != message or p.get("row") != problem.get("row") for p in problems):
                problems.append(problem)
        raise InvalidInput(details=problems) from exc


def problem_rows(details: list[Any]) -> set[int]:
    """The tier rows a refusal concerns, to mark them in the form."""
    return {d["row"] for d in details if isinstance(d, dict) and isinstance(d.get("row"), int)}
