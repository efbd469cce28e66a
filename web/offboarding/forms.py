"""The offboarding page forms read into the bodies the API takes, so a page and an API call are
the same action: the start form into ``OffboardingIn``, a step's form into ``CompleteTaskIn``.

A step's form carries, by what the step needs: ``comment``; ``declaration`` (→ data.declaration);
``customer_id`` + ``collection_plan`` pairs (one plan per customer still owing → data.customers);
``customer_id`` + ``to_id`` pairs (the plan's selects → data.assignments); ``items`` checkboxes (a
rejection → data.items). Nothing is judged here beyond reading: the evidence check and the
workflow's validator decide, and their problems come back to the same form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from schemas.kernel.errors import N_
from schemas.offboarding import Evidence, OffboardingIn
from schemas.tasks import CompleteTaskIn
from store.models import Task
from web.shared.forms import TOO_LONG, checked, record_id

START_PROBLEMS = {
    "employee_id": N_("Choose the person who is leaving."),
    "reason": N_("Give the reason (up to 500 characters)."),
    "last_day": N_("Give the last working day."),
}


@dataclass
class Submitted:
    """What a person typed into a step's form, kept to fill the form again after a refusal."""

    comment: str = ""
    declaration: str = ""
    plans: dict[int, str] = field(default_factory=dict)  # customer id → collection plan
    successors: dict[int, int | None] = field(default_factory=dict)  # customer id → chosen successor
    items: list[str] = field(default_factory=list)
    early: bool = False  # HR's "confirm early departure", with its reason
    early_reason: str = ""


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _texts(form: FormData, name: str) -> list[str]:
    return [value.strip() if isinstance(value, str) else "" for value in form.getlist(name)]


def read_step(form: FormData) -> Submitted:
    owing = zip(_texts(form, "customer_id"), _texts(form, "collection_plan"), strict=False)
    plans = {customer_id: plan for raw, plan in owing if (customer_id := record_id(raw)) is not None}
    choices = zip(_texts(form, "customer_id"), _texts(form, "to_id"), strict=False)
    successors = {customer_id: record_id(to) for raw, to in choices if (customer_id := record_id(raw)) is not None}
    return Submitted(
        comment=_text(form, "comment"),
        declaration=_text(form, "declaration"),
        plans=plans,
        successors=successors,
        items=[key for key in _texts(form, "items") if key],
    )


def step_body(task: Task, action: str, submitted: Submitted) -> CompleteTaskIn:
    """The API body of the step's action, with the data its kind of step carries."""
    data: dict[str, Any] = {}
    evidence = (task.context or {}).get("evidence")
    if task.kind == "handover_item" and evidence == Evidence.declaration:
        data["declaration"] = submitted.declaration
    elif task.kind == "handover_item" and evidence == Evidence.orders:
        data["customers"] = [
            {"customer_id": customer_id, "collection_plan": plan} for customer_id, plan in submitted.plans.items()
        ]
    elif task.kind == "reassignment_plan":
        data["assignments"] = [
            {"customer_id": customer_id, "to_id": to_id} for customer_id, to_id in submitted.successors.items()
        ]
    elif task.kind == "offboarding_review" and action == "reject":
        data["items"] = submitted.items
    return checked(
        CompleteTaskIn, {"action": action, "comment": submitted.comment or None, "data": data}, {"comment": TOO_LONG}
    )


def start_body(form: FormData) -> OffboardingIn:
    day = _text(form, "last_day")
    return checked(
        OffboardingIn,
        {
            "employee_id": record_id(_text(form, "employee_id")) or 0,
            "reason": _text(form, "reason"),
            "last_day": day or None,
        },
        START_PROBLEMS,
    )
