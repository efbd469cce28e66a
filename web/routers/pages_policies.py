"""The admin page for deadline policies: one table row per human step, each row its own form.

A row posts to ``/admin/policies/{key}``. HTMX swaps in the answered row (saved, or with its
errors inline and status 422); without JavaScript the form posts normally and the page comes
back whole. The ISO 8601 value stays what is edited; next to it the duration in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from schemas.errors import N_, InvalidInput, UnknownPolicy
from schemas.org import Role
from schemas.policies import (
    DUE_ONLY_KEYS,
    DURATION_FIELDS,
    POLICY_KEYS,
    POLICY_TITLES,
    CalendarKind,
    DeadlinePolicy,
    PolicyIn,
    iso_duration,
    iso_fields,
    policy_from_input,
    validation_details,
)
from store.repo import policies
from web.auth import Principal, get_db, require_roles
from web.csrf import verify_csrf
from web.i18n import gettext_
from web.i18n import ngettext_ as ngettext  # pybabel extracts plural messages under this name
from web.templating import render

router = APIRouter(prefix="/admin/policies", tags=["pages"], include_in_schema=False,
                   dependencies=[Depends(verify_csrf)])

PageAdmin = Annotated[Principal, Depends(require_roles(Role.admin, page=True))]

FIELD_LABELS = {
    "due_in": N_("Due after"),
    "remind_before": N_("Reminder before due"),
    "repeat_every": N_("Overdue notice every"),
    "escalate_after": N_("Escalate after due"),
}
# What a zero means differs per field; "0 hours" would say none of it.
ZERO_MEANINGS = {"remind_before": N_("No reminder"), "repeat_every": N_("Only once"), "escalate_after": N_("Never")}
CALENDARS = [(CalendarKind.wall.value, N_("Wall clock")), (CalendarKind.working_days.value, N_("Working days"))]


@dataclass(frozen=True)
class DurationCell:
    field: str
    label: str
    value: str  # what the input shows: the stored ISO text, or what the admin typed
    readable: str
    error: str | None
    editable: bool


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


def readable_duration(value: timedelta, field: str, calendar: str) -> str:
    """``P3D`` → "3 个工作日" / "3 days", ``P1DT4H`` → "1 天 4 小时", zero → what zero means there."""
    if not value and field in ZERO_MEANINGS:
        return gettext_(ZERO_MEANINGS[field])
    if field == "due_in" and calendar == CalendarKind.working_days:
        return ngettext("%(num)s working day", "%(num)s working days", value.days)
    minutes, seconds = divmod(value.seconds, 60)
    hours, minutes = divmod(minutes, 60)
    parts = [ngettext("%(num)s day", "%(num)s days", value.days) if value.days else "",
             ngettext("%(num)s hour", "%(num)s hours", hours) if hours else "",
             ngettext("%(num)s minute", "%(num)s minutes", minutes) if minutes else "",
             ngettext("%(num)s second", "%(num)s seconds", seconds) if seconds else ""]
    return " ".join(part for part in parts if part) or iso_duration(value)


def _editable(key: str, field: str) -> bool:
    return field == "due_in" or key not in DUE_ONLY_KEYS


def policy_row(key: str, policy: DeadlinePolicy, *, saved: bool = False) -> PolicyRow:
    stored = iso_fields(policy)
    cells = [DurationCell(field=name, label=FIELD_LABELS[name], value=stored[name],
                          readable=readable_duration(getattr(policy, name), name, policy.calendar),
                          error=None, editable=_editable(key, name))
             for name in DURATION_FIELDS]
    return PolicyRow(key=key, title=POLICY_TITLES[key], calendar=policy.calendar.value, cells=cells, messages=[],
                     saved=saved)


def rejected_row(key: str, submitted: dict[str, str], problems: list[dict[str, Any]]) -> PolicyRow:
    """The row as the admin typed it, each problem under its own input (the rest below the button)."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(str(problem.get("field")), []).append(gettext_(str(problem.get("message", ""))))
    cells = []
    for name in DURATION_FIELDS:
        editable = _editable(key, name)
        error = " ".join(errors.pop(name)) if editable and name in errors else None
        cells.append(DurationCell(field=name, label=FIELD_LABELS[name], value=submitted.get(name, ""), readable="",
                                  error=error, editable=editable))
    return PolicyRow(key=key, title=POLICY_TITLES[key], calendar=submitted.get("calendar", ""), cells=cells,
                     messages=[message for messages in errors.values() for message in messages])


def _page(request: Request, rows: list[PolicyRow], status_code: int = 200) -> Response:
    return render(request, "policies/index.html",
                  {"rows": rows, "labels": list(FIELD_LABELS.values()), "calendars": CALENDARS},
                  status_code=status_code)


@router.get("")
def policies_page(request: Request, user: PageAdmin) -> Response:
    with get_db(request).session() as session:
        rows = [policy_row(key, policy) for key, policy in policies.all_policies(session).items()]
    return _page(request, rows)


@router.post("/{key}")
def save_policy(request: Request, user: PageAdmin, key: str, calendar: Annotated[str, Form()] = "",
                due_in: Annotated[str, Form()] = "", remind_before: Annotated[str, Form()] = "",
                repeat_every: Annotated[str, Form()] = "", escalate_after: Annotated[str, Form()] = "") -> Response:
    """Save one row. A blank optional duration means zero (no reminder, notify once, never escalate)."""
    if key not in POLICY_KEYS:
        raise UnknownPolicy()
    submitted = {"calendar": calendar, "due_in": due_in, "remind_before": remind_before,
                 "repeat_every": repeat_every, "escalate_after": escalate_after}
    body = {name: value.strip() for name, value in submitted.items() if value.strip()}
    htmx = bool(request.headers.get("hx-request"))
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


def _rejected(request: Request, key: str, submitted: dict[str, str], problems: list[dict[str, Any]],
              htmx: bool) -> Response:
    row = rejected_row(key, submitted, problems)
    if htmx:
        return render(request, "policies/_row.html", {"row": row, "calendars": CALENDARS}, status_code=422)
    with get_db(request).session() as session:
        rows = [row if name == key else policy_row(name, policy)
                for name, policy in policies.all_policies(session).items()]
    return _page(request, rows, status_code=422)
