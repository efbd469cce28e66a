"""The admin page for deadline policies: one table row per human step, each row its own form.

A row posts to ``/admin/policies/{key}``. HTMX swaps in the answered row (saved, or with its
errors inline and status 422); without JavaScript the form posts normally and the page comes
back whole. People edit each duration as a whole number and a unit (days, hours, minutes) and
read it in words beside; the page turns that into the ISO 8601 duration the API and the store
keep (``P5D``, ``PT4H``). A field posted without its unit is read as ISO 8601, as the API takes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from schemas.kernel.errors import N_, InvalidInput, UnknownPolicy
from schemas.kernel.i18n import gettext_
from schemas.org import Role
from schemas.policies import (
    DUE_ONLY_KEYS,
    DURATION_FIELDS,
    POLICY_KEYS,
    POLICY_TITLES,
    CalendarKind,
    DeadlinePolicy,
    PolicyIn,
    policy_from_input,
    validation_details,
)
from store.db import Database
from store.repo.tasks import policies
from web.shared.auth import Principal, get_db, require_roles
from web.shared.csrf import verify_csrf
from web.shared.templating import render
from web.tasks.durations import (
    EVERYDAY_UNITS,
    UNITS,
    WHOLE_NUMBER_MESSAGE,
    amount_and_unit,
    readable_duration,
    typed_duration,
)

router = APIRouter(
    prefix="/admin/policies", tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)]
)

PageAdmin = Annotated[Principal, Depends(require_roles(Role.admin, page=True))]

FIELD_LABELS = {
    "due_in": N_("Due after"),
    "remind_before": N_("Reminder before due"),
    "repeat_every": N_("Overdue notice every"),
    "escalate_after": N_("Escalate after due"),
}
CALENDARS = [(CalendarKind.wall.value, N_("Wall clock")), (CalendarKind.working_days.value, N_("Working days"))]


@dataclass(frozen=True)
class DurationCell:
    field: str
    label: str
    value: str  # what the number input shows: the stored amount, or what the admin typed
    unit: str  # the unit chosen beside it
    readable: str
    error: str | None
    editable: bool

    @property
    def units(self) -> list[tuple[str, str]]:
        shown = [*EVERYDAY_UNITS, *(["seconds"] if self.unit == "seconds" else [])]
        return [(name, UNITS[name][1]) for name in shown]


@dataclass(frozen=True)
class PolicyRow:
    key: str
    title: str
    calendar: str
    cells: list[DurationCell]
    messages: list[str]  # problems with no input of their own in the row
    saved: bool = False

    @property
    def dom_id(self) -> str:
        return self.key.replace(".", "-")


def _editable(key: str, field: str) -> bool:
    return field == "due_in" or key not in DUE_ONLY_KEYS


def policy_row(key: str, policy: DeadlinePolicy, *, saved: bool = False) -> PolicyRow:
    cells = [
        DurationCell(
            field=name,
            label=FIELD_LABELS[name],
            value=amount_and_unit(getattr(policy, name))[0],
            unit=amount_and_unit(getattr(policy, name))[1],
            readable=readable_duration(getattr(policy, name), name, policy.calendar),
            error=None,
            editable=_editable(key, name),
        )
        for name in DURATION_FIELDS
    ]
    return PolicyRow(
        key=key, title=POLICY_TITLES[key], calendar=policy.calendar.value, cells=cells, messages=[], saved=saved
    )


def rejected_row(key: str, submitted: dict[str, str], problems: list[dict[str, Any]]) -> PolicyRow:
    """The row as the admin typed it, each problem under its own input (the rest below the button)."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(str(problem.get("field")), []).append(gettext_(str(problem.get("message", ""))))
    cells = []
    for name in DURATION_FIELDS:
        editable = _editable(key, name)
        error = " ".join(errors.pop(name)) if editable and name in errors else None
        cells.append(
            DurationCell(
                field=name,
                label=FIELD_LABELS[name],
                value=submitted.get(name, ""),
                unit=submitted.get(f"{name}_unit") or "days",
                readable="",
                error=error,
                editable=editable,
            )
        )
    return PolicyRow(
        key=key,
        title=POLICY_TITLES[key],
        calendar=submitted.get("calendar", ""),
        cells=cells,
        messages=[message for messages in errors.values() for message in messages],
    )


def _page(request: Request, rows: list[PolicyRow], status_code: int = 200) -> Response:
    return render(
        request,
        "policies/index.html",
        {"rows": rows, "labels": list(FIELD_LABELS.values()), "calendars": CALENDARS},
        status_code=status_code,
    )


@router.get("")
def policies_page(request: Request, user: PageAdmin) -> Response:
    return _page(request, _rows(get_db(request)))


Unit = Annotated[str, Form(max_length=10)]


@router.post("/{key}")
def save_policy(
    request: Request,
    user: PageAdmin,
    key: str,
    calendar: Annotated[str, Form()] = "",
    due_in: Annotated[str, Form()] = "",
    remind_before: Annotated[str, Form()] = "",
    repeat_every: Annotated[str, Form()] = "",
    escalate_after: Annotated[str, Form()] = "",
    due_in_unit: Unit = "",
    remind_before_unit: Unit = "",
    repeat_every_unit: Unit = "",
    escalate_after_unit: Unit = "",
) -> Response:
    """Save one row. A blank optional duration means zero (no reminder, notify once, never escalate)."""
    if key not in POLICY_KEYS:
        raise UnknownPolicy()
    submitted = {
        "calendar": calendar,
        "due_in": due_in,
        "remind_before": remind_before,
        "repeat_every": repeat_every,
        "escalate_after": escalate_after,
        "due_in_unit": due_in_unit,
        "remind_before_unit": remind_before_unit,
        "repeat_every_unit": repeat_every_unit,
        "escalate_after_unit": escalate_after_unit,
    }
    htmx = bool(request.headers.get("hx-request"))
    body, not_numbers = _body(submitted)
    if not_numbers:
        return _rejected(request, key, submitted, not_numbers, htmx)
    try:
        policy = policy_from_input(PolicyIn.model_validate(body))
        with get_db(request).session() as session:
            stored = policies.put_policy(session, actor_id=user.id, key=key, policy=policy)
    except ValidationError as exc:
        return _rejected(request, key, submitted, validation_details(exc), htmx)
    except InvalidInput as exc:
        return _rejected(request, key, submitted, exc.details, htmx)
    if not htmx:
        return RedirectResponse("/admin/policies", status_code=303)
    return render(request, "policies/_row.html", {"row": policy_row(key, stored, saved=True), "calendars": CALENDARS})


def _body(submitted: dict[str, str]) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The API's body for a row (ISO 8601 durations), and each amount that is not a whole number."""
    body = {"calendar": submitted["calendar"].strip()} if submitted["calendar"].strip() else {}
    problems: list[dict[str, Any]] = []
    for name in DURATION_FIELDS:
        value, unit = submitted[name], submitted[f"{name}_unit"]
        try:
            text = typed_duration(value, unit) if unit else value.strip()
        except ValueError:
            problems.append({"field": name, "code": "whole_number", "message": WHOLE_NUMBER_MESSAGE})
            continue
        if text:
            body[name] = text
    return body, problems


def _rejected(
    request: Request, key: str, submitted: dict[str, str], problems: list[dict[str, Any]], htmx: bool
) -> Response:
    row = rejected_row(key, submitted, problems)
    if htmx:
        return render(request, "policies/_row.html", {"row": row, "calendars": CALENDARS}, status_code=422)
    return _page(request, _rows(get_db(request), rejected=row), status_code=422)


def _rows(db: Database, rejected: PolicyRow | None = None) -> list[PolicyRow]:
    """Every policy's row as stored, but the ``rejected`` one as the admin typed it."""
    with db.session() as session:
        stored = policies.all_policies(session)
    return [
        rejected if rejected is not None and key == rejected.key else policy_row(key, policy)
        for key, policy in stored.items()
    ]
