"""Pydantic's validation errors as Baton's problems: ``{"field", "code", "message"}`` in words the
catalogue translates.

Pydantic's own ``msg`` is English developer text ("Input should be a valid datetime"); a person
reading a form in Chinese needs "请输入日期和时间". The ``code`` stays pydantic's type, so API
clients keep a stable machine-readable reason; a rule of our own (a ``PydanticCustomError``, or a
``value_error`` whose cause is a message id) keeps its message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, get_args

from pydantic_core.core_schema import ErrorType

from schemas.kernel.errors import N_

PYDANTIC_TYPES = frozenset(get_args(ErrorType))  # anything else is a rule of our own (PydanticCustomError)
REQUIRED = N_("This field is required.")
INVALID = N_("This value is not valid.")
_BY_TYPE = {
    "missing": REQUIRED,
    "string_too_long": N_("This is too long."),
    "too_long": N_("Too many entries."),
    "datetime_parsing": N_("Enter a date and time."),
    "datetime_from_date_parsing": N_("Enter a date and time."),
    "datetime_type": N_("Enter a date and time."),
    "date_parsing": N_("Enter a date."),
    "date_from_datetime_parsing": N_("Enter a date."),
    "date_from_datetime_inexact": N_("Enter a date."),
    "date_type": N_("Enter a date."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "decimal_parsing": N_("Enter a number."),
    "decimal_type": N_("Enter a number."),
    "float_parsing": N_("Enter a number."),
    "float_type": N_("Enter a number."),
    "decimal_max_digits": N_("This number has too many digits."),
    "decimal_max_places": N_("This number has too many digits."),
    "decimal_whole_digits": N_("This number has too many digits."),
    "greater_than": N_("This number is out of range."),
    "greater_than_equal": N_("This number is out of range."),
    "less_than": N_("This number is out of range."),
    "less_than_equal": N_("This number is out of range."),
    "enum": N_("Choose one of the offered values."),
    "literal_error": N_("Choose one of the offered values."),
    "extra_forbidden": N_("This field is not expected."),
}


def plain_message(problem: Mapping[str, Any]) -> str:
    """The message id for one pydantic error."""
    kind = str(problem.get("type", ""))
    context = problem.get("ctx") or {}
    if kind == "string_too_short":
        return REQUIRED if context.get("min_length") == 1 else INVALID
    if kind == "value_error" and context.get("error"):
        return str(context["error"]).removeprefix("Value error, ")
    if kind not in PYDANTIC_TYPES:  # our own rule: its message is already a message id
        return str(problem.get("msg") or INVALID)
    return _BY_TYPE.get(kind, INVALID)


def field_problems(errors: Iterable[Mapping[str, Any]], skip: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Each error as a problem at its field (``a.0.b``; location parts in ``skip`` left out, such as
    FastAPI's ``body``/``query``), the field named ``body`` when the whole input is wrong."""
    problems = []
    for error in errors:
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in skip)
        problems.append(
            {"field": where or "body", "code": str(error.get("type", "invalid")), "message": plain_message(error)}
        )
    return problems
