"""The records an audit entry mentions, by kind: the record it is about, who acted, and every id
its detail names (people, customers, teams, orders, offboardings, tasks), so one page of entries
is read with one query per kind (``store/repo/audit/names.py``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from store.models import AuditEntry

PEOPLE_FIELDS = frozenset(
    {
        "assignee_id",
        "delegated_from_id",
        "manager_id",
        "employee_id",
        "delegate_id",
        "owner_id",
        "recipients",
        "to",
        "from",
        "to_id",
        "from_id",
    }
)


def ints(value: Any) -> list[int]:
    """The ids a detail value holds: one id or a list of them (a flag is not an id)."""
    values = value if isinstance(value, list) else [value]
    return [item for item in values if isinstance(item, int) and not isinstance(item, bool)]


def mentioned(entries: Iterable[AuditEntry]) -> dict[str, set[Any]]:
    """Every id the entries name, by the kind of record it is."""
    wanted: dict[str, set[Any]] = {
        kind: set() for kind in ("people", "accounts", "customers", "teams", "orders", "tasks", "cases", "alerts")
    }
    by_entity = {
        "employee": "people",
        "customer": "customers",
        "team": "teams",
        "task": "tasks",
        "offboarding": "cases",
        "alert": "alerts",
        "order": "orders",
        "account": "accounts",
    }
    for entry in entries:
        kind = by_entity.get(entry.entity)
        if kind is not None:
            record_id: Any = (
                entry.entity_id
                if kind in ("tasks", "accounts")
                else (int(entry.entity_id) if entry.entity_id.isdigit() else None)
            )
            if record_id is not None:
                wanted[kind].add(record_id)
        if entry.actor_id is not None:
            wanted["people"].add(entry.actor_id)
        for key, value in walk(entry.detail or {}):
            if key in PEOPLE_FIELDS:
                wanted["people"] |= set(ints(value))
            elif key == "customer_id":
                wanted["customers"] |= set(ints(value))
            elif key == "team_id":
                wanted["teams"] |= set(ints(value))
            elif key in ("orders", "order_id"):
                wanted["orders"] |= set(ints(value))
            elif key == "offboarding_id":
                wanted["cases"] |= set(ints(value))
            elif key == "task_id" and isinstance(value, str):
                wanted["tasks"].add(value)
    return wanted


def walk(detail: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
    for key, value in detail.items():
        yield key, value
        if isinstance(value, dict):
            yield from walk(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    yield from walk(item)
