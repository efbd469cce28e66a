"""What the authorization matrix sends with each change: the least that gets past validation, so
the answer shows whether the caller was let through to the record (404 and 403 come first), and,
where that is possible, what a permitted caller gets without the record changing for the next
question (a refusal of the business rules such as 409, or 422 for an empty body)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from store.models.base import utcnow
from tests.support.authz_world import SELLER, World
from tests.support.clock import company_today

Body = Callable[[World, str], dict[str, Any]]
PDF = ("证据.pdf", b"%PDF-1.4 evidence\n", "application/pdf")
LINES = [{"service": "LTL", "quantity": 10, "unit_price": "95.00"}]


def _now() -> str:
    return utcnow().isoformat()


def _owner(world: World, relation: str) -> int | None:
    """The customer's present owner, so a reassignment that is let through moves nothing."""
    return world.org[SELLER[relation]] if relation in SELLER else None


def _payment(world: World, relation: str) -> int:
    return int(world.ids["payment"][relation or "own"])


def _leaver(world: World, relation: str) -> dict[str, Any]:
    """Starting a handover for someone already in one: whoever may start it hears 409."""
    return {
        "employee_id": world.of("employee", relation),
        "reason": "离职",
        "last_day": (company_today() + timedelta(days=14)).isoformat(),
    }


# JSON bodies of API changes (anything not named sends ``{}``).
API_BODIES: dict[str, Body] = {
    "POST /api/offboardings": _leaver,
    "POST /api/customers/{customer_id}/reassign": lambda w, r: {"owner_id": _owner(w, r), "reason": "核对归属"},
    "POST /api/customers/reassign": lambda w, r: {
        "customer_ids": [w.of("customer", r)],
        "owner_id": _owner(w, r),
        "reason": "核对归属",
    },
    "POST /api/customers/{customer_id}/interactions": lambda w, r: {
        "channel": "phone",
        "summary": "电话回访",
        "occurred_at": _now(),
    },
    "POST /api/customers/{customer_id}/contacts": lambda w, r: {"name": "黄经理"},
    "POST /api/customers/{customer_id}/complaints": lambda w, r: {"summary": "送货延误", "occurred_at": _now()},
    "POST /api/orders/{order_id}/resubmit": lambda w, r: {"lines": LINES},
    # A rejection without its reason: the holder hears 422, and nothing is decided.
    "POST /api/tasks/{task_id}/complete": lambda w, r: {"action": "reject"},
    "POST /api/commission/settlements/{period}/disputes": lambda w, r: {
        "payment_id": _payment(w, "own"),
        "kind": "earned",
        "comment": "少算了一笔",
    },
    "POST /api/commission/settlements/{period}/disputes/{dispute_id}/resolve": lambda w, r: {
        "decision": "rejected",
        "reason": "核对无误",
    },
}

# Form fields of page changes (anything not named posts no fields).
PAGE_FORMS: dict[str, Body] = {
    "POST /offboardings": lambda w, r: {key: str(value) for key, value in _leaver(w, r).items()},
    "POST /tasks/{task_id}/complete": lambda w, r: {"action": "reject"},
    "POST /approvals/{task_id}": lambda w, r: {"action": "reject"},
    "POST /offboardings/{case_id}/tasks/{task_id}": lambda w, r: {"action": "done"},
    "POST /commission/{period}/tasks/{task_id}": lambda w, r: {"action": "approve"},
    "POST /alerts/{alert_id}/tasks/{task_id}": lambda w, r: {"action": "acknowledge"},
    "POST /orders/{order_id}/resubmit": lambda w, r: {
        "service": "LTL",
        "quantity": "10",
        "unit_price": "95.00",
        "requested_date": (company_today() + timedelta(days=3)).isoformat(),
    },
    # Nobody who may own customers: whoever may assign the lead hears 422 and it stays in the pool.
    "POST /customers/{customer_id}/assign": lambda w, r: {"owner_id": str(w.org["hr"])},
    "POST /customers/{customer_id}/interactions": lambda w, r: {
        "channel": "phone",
        "summary": "电话回访",
        "occurred_at": company_today().isoformat(),
    },
    "POST /customers/{customer_id}/reassign": lambda w, r: {"owner_id": str(_owner(w, r) or ""), "reason": "核对归属"},
    "POST /commission/{period}/disputes/{dispute_id}/resolve": lambda w, r: {
        "decision": "rejected",
        "reason": "核对无误",
    },
    "POST /commission/{period}/disputes": lambda w, r: {
        "payment_id": str(_payment(w, "own")),
        "kind": "earned",
        "comment": "少算了一笔",
    },
    "POST /language": lambda w, r: {"language": "zh_CN"},
    "POST /me/away": lambda w, r: {
        "delegate_id": str(w.org["sales_south2"]),
        "starts_on": company_today().isoformat(),
        "ends_on": (company_today() + timedelta(days=1)).isoformat(),
    },
}

# Uploads: evidence onto a task (multipart ``file``).
UPLOADS = {"POST /api/tasks/{task_id}/attachments", "POST /tasks/{task_id}/attachments"}


# Query strings of reads that need one.
QUERIES: dict[str, dict[str, str]] = {"GET /api/interactions": {"q": "回访"}, "GET /search": {"q": "回访"}}


def body_for(route: str, world: World, relation: str, *, page: bool) -> dict[str, Any]:
    """The keyword arguments of the request for ``route`` (httpx ``json``, ``data`` or ``files``)."""
    method = route.split(" ", 1)[0]
    if method in ("GET", "HEAD", "DELETE"):
        return {"params": QUERIES[route]} if route in QUERIES else {}
    if route in UPLOADS:
        return {"files": {"file": PDF}}
    if page:
        form = PAGE_FORMS.get(route)
        return {"data": form(world, relation)} if form else {}
    body = API_BODIES.get(route)
    return {"json": body(world, relation) if body else {}}
