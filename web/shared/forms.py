"""Reading page forms into what the API takes, the same way on every page: record ids as the page
carries them or as a person types them, and a body checked field by field, each refused field
said in the reader's words at its input."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from schemas.kernel.errors import N_, InvalidInput
from schemas.kernel.ids import MAX_ID

TOO_LONG = N_("The comment is too long.")
Body = TypeVar("Body", bound=BaseModel)


def record_id(value: str) -> int | None:
    """A record id the page carries (a hidden field, a filter), or None when it is not one."""
    return int(value) if value.isdigit() and 0 < int(value) <= MAX_ID else None


def typed_record_id(value: str) -> int | None:
    """A record id typed into a form (``#12`` or ``12``), or None when it cannot be one."""
    return record_id(value.strip().lstrip("#"))


def checked(model: type[Body], fields: dict[str, Any], messages: dict[str, str]) -> Body:
    """The body, or a refusal naming each field that does not fit, in the reader's words."""
    try:
        return model(**fields)
    except ValidationError as exc:
        problems: dict[str, dict[str, str]] = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "body"
            problems.setdefault(
                name,
                {"field": name, "code": error["type"], "message": messages.get(name, N_("Some fields are not valid."))},
            )
        raise InvalidInput(details=list(problems.values())) from exc
