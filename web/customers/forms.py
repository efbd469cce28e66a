"""The customer page forms read into the bodies the API takes: the owner a form chose, a body
checked with every refused field in the reader's words, and a ``datetime-local`` input in company
time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from schemas.field_problems import plain_message
from schemas.kernel.errors import N_, InvalidInput
from schemas.kernel.money import money_problem
from web.shared.labels import problem_text


def form_owner(value: str) -> int | None:
    """The owner a form chose: empty is nobody (the pool); anything but an id is refused."""
    if not value.strip():
        return None
    if not value.strip().isdigit():
        raise InvalidInput(
            details=[{"field": "owner_id", "code": "unknown_owner", "message": N_("No such salesperson.")}]
        )
    return int(value)


def parsed(model: Any, values: dict[str, Any]) -> Any:
    """The body, or every refused field; an amount (the credit limit) in the words of every money
    field, already in the reader's language."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise InvalidInput(
            details=[
                {
                    "field": ".".join(str(p) for p in e["loc"]),
                    "code": e["type"],
                    "message": problem_text(money) if (money := money_problem(e)) else plain_message(e),
                }
                for e in exc.errors()
            ]
        ) from exc


def local_input(value: str, timezone: str) -> str:
    """``datetime-local`` inputs carry no offset: they are the company's local time."""
    if not value:
        return datetime.now(UTC).isoformat()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value  # the model reports it
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.isoformat()
