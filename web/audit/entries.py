"""Audit entries as a reader sees them: who (by name), did what (the action in their language), to
which record (the customer's name, "订单 #12 · 佛山美达", the task's title, with a link), and each
detail as a labelled line, a change as before → after. Ids read as names, money as money, times
and durations in company terms, codes as words; the stored entry itself is never altered (it is
hash-chained), only read.

One page of entries is read with one query per kind of record they mention
(``store/repo/audit/names.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import TypeAdapter, ValidationError

from schemas.alerts import RULE_LABELS, SEVERITY_LABELS
from schemas.kernel.errors import N_
from schemas.kernel.i18n import gettext_
from schemas.links import case_page, task_page
from schemas.policies import POLICY_TITLES
from store.db import Session
from store.models import AuditEntry
from store.repo.audit.names import AuditRecords, records_for
from web.alerts.labels import THRESHOLD_LABELS
from web.audit.labels import FIELD_LABELS, VALUE_LABELS, action_label, entity_label
from web.audit.mentions import PEOPLE_FIELDS, ints, mentioned
from web.commission.labels import KIND_LABELS, rate_percent
from web.processes.history_text import DECISION_LABELS, STATUS_LABELS
from web.shared.labels import ROLE_LABELS, translated
from web.shared.templating import format_money, local_time
from web.tasks.durations import readable_duration

MONEY_FIELDS = frozenset({"amount", "total", "unit_price"})
TIME_FIELDS = frozenset({"due_at", "paid_at", "at"})
DURATION_FIELDS = frozenset({"due_in", "remind_before", "repeat_every", "escalate_after"})
ITEM_FIELDS = frozenset({"key", "items", "returned_items"})
CODE_LABELS: dict[str, str] = {
    **VALUE_LABELS,
    **DECISION_LABELS,
    **STATUS_LABELS,
    **KIND_LABELS,
    **{str(key): value for key, value in SEVERITY_LABELS.items()},
}
_DURATION = TypeAdapter(timedelta)
LIST_JOIN = "、"


@dataclass(frozen=True)
class DetailLine:
    """One fact of an entry; ``before`` is set when the entry records a change of it."""

    label: str
    value: str
    before: str | None = None


@dataclass(frozen=True)
class EntryView:
    entry: AuditEntry
    actor: str | None  # None: the system itself
    action: str
    record: str
    link: str | None
    lines: list[DetailLine]


class AuditWording:
    """Words for one page of entries, with the records they name already read."""

    def __init__(self, records: AuditRecords, timezone: str) -> None:
        self.records = records
        self.timezone = timezone

    # ------------------------------------------------------------------ names
    def person(self, person_id: int) -> str:
        return self.records.people.get(person_id) or f"#{person_id}"

    def order(self, order_id: int) -> str:
        text = gettext_(N_("Order #%(order)s"), order=order_id)
        customer = self.records.customers.get(self.records.order_customers.get(order_id, 0))
        return f"{text} · {customer}" if customer else text

    def task_title(self, task_id: str) -> str:
        task = self.records.tasks.get(task_id)
        if task is None:
            return task_id
        return translated(*task.title_message) if task.title_message else task.title

    def record(self, entry: AuditEntry) -> tuple[str, str | None]:
        """The record an entry is about, named, and its page when it has one."""
        entity, raw = entry.entity, entry.entity_id
        number = int(raw) if raw.isdigit() else None
        if entity == "customer" and number is not None:
            return self.records.customers.get(number) or f"#{raw}", f"/customers/{raw}"
        if entity == "order" and number is not None:
            return self.order(number), f"/orders/{raw}"
        if entity == "task":
            return gettext_(N_("Task “%(title)s”"), title=self.task_title(raw)), task_page(raw)
        if entity == "offboarding" and number is not None:
            person = self.records.people.get(self.records.case_people.get(number, 0))
            text = gettext_(N_("Offboarding of %(person)s"), person=person) if person else f"#{raw}"
            return text, case_page("offboarding", raw)
        if entity == "commission_settlement":
            return gettext_(N_("Commission settlement for %(period)s"), period=raw), case_page("commission", raw)
        if entity == "alert" and number is not None:
            rule, subject = self.records.alerts.get(number, ("", ""))
            label = gettext_(RULE_LABELS[rule]) if rule in RULE_LABELS else ""  # type: ignore[index]
            return " · ".join(part for part in (f"#{raw}", label, subject) if part), case_page("alert", raw)
        if entity == "employee" and number is not None:
            return self.person(number), None
        if entity == "account":
            return self.records.accounts.get(raw) or raw, None
        if entity == "team" and number is not None:
            return self.records.teams.get(number) or f"#{raw}", None
        if entity == "deadline_policy" and raw in POLICY_TITLES:
            return gettext_(POLICY_TITLES[raw]), "/admin/policies"
        if entity == "commission_plan":
            return gettext_(N_("Commission plan version %(version)s"), version=raw), "/commission/plan"
        if entity == "alert_rule" and raw in RULE_LABELS:
            return gettext_(RULE_LABELS[raw]), None  # type: ignore[index]
        return f"{gettext_(entity_label(entity))} {raw}", None

    # ------------------------------------------------------------------ values
    def value(self, entry: AuditEntry, key: str, value: Any) -> str:
        if value is None or value == "" or value == [] or value == {}:
            return "—"
        if isinstance(value, bool):
            return gettext_(N_("Yes")) if value else gettext_(N_("No"))
        if key in PEOPLE_FIELDS and ints(value):
            return LIST_JOIN.join(self.person(person) for person in ints(value))
        if key == "customer_id" and ints(value):
            return LIST_JOIN.join(self.records.customers.get(c) or f"#{c}" for c in ints(value))
        if key == "team_id" and ints(value):
            return LIST_JOIN.join(self.records.teams.get(t) or f"#{t}" for t in ints(value))
        if key in ("orders", "order_id") and ints(value):
            return LIST_JOIN.join(self.order(order) for order in ints(value))
        if key == "offboarding_id" and ints(value):
            person = self.records.people.get(self.records.case_people.get(ints(value)[0], 0))
            return gettext_(N_("Offboarding of %(person)s"), person=person) if person else f"#{value}"
        if key == "task_id" and isinstance(value, str):
            return self.task_title(value)
        if key in ITEM_FIELDS:
            keys = value if isinstance(value, list) else [value]
            return LIST_JOIN.join(self.item(entry, str(item)) for item in keys)
        if key == "attachments" and isinstance(value, list):
            return gettext_(N_("%(count)s files"), count=len(value))
        if key == "sha256" and isinstance(value, str):
            return f"{value[:12]}…"
        if key == "roles" and isinstance(value, list):
            return LIST_JOIN.join(gettext_(ROLE_LABELS.get(str(role), str(role))) for role in value)
        return self.plain(entry, key, value)

    def plain(self, entry: AuditEntry, key: str, value: Any) -> str:
        if isinstance(value, list):
            return LIST_JOIN.join(self.plain(entry, key, item) for item in value)
        if isinstance(value, dict):
            return self.mapping(entry, key, value)
        if key in MONEY_FIELDS:
            return self.money(value)
        if key in TIME_FIELDS and isinstance(value, str):
            return self.time(value)
        if key in DURATION_FIELDS and isinstance(value, str):
            return self.duration(key, value)
        if key == "rate" or (key == "service_rates" and isinstance(value, str | int | float)):
            return rate_percent(str(value))
        if key == "role" and isinstance(value, str):
            return gettext_(ROLE_LABELS.get(value, value))
        if key == "format" and isinstance(value, str):
            return value.upper()
        if isinstance(value, str) and value in CODE_LABELS:
            return gettext_(CODE_LABELS[value])
        return str(value)

    def mapping(self, entry: AuditEntry, key: str, value: dict[str, Any]) -> str:
        """A nested value on one line: an order line, a tier, a collection plan, service rates."""
        if key == "service_rates":
            return LIST_JOIN.join(f"{code}: {rate_percent(str(rate))}" for code, rate in value.items())
        if {"service", "quantity"} <= set(value):
            return f"{value['service']} × {value['quantity']} @ {self.money(value.get('unit_price'))}"
        if {"from", "rate"} <= set(value):
            return f"≥ {self.money(value['from'])}: {rate_percent(str(value['rate']))}"
        return "; ".join(f"{self.label(entry, name)}: {self.value(entry, name, item)}" for name, item in value.items())

    def money(self, value: Any) -> str:
        try:
            return format_money(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            return str(value)

    def time(self, value: str) -> str:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        return local_time(moment, self.timezone) if moment.tzinfo else value

    def duration(self, key: str, value: str) -> str:
        try:
            return readable_duration(_DURATION.validate_python(value), key, "wall")
        except ValidationError:
            return value

    def item(self, entry: AuditEntry, key: str) -> str:
        case = int(entry.entity_id) if entry.entity == "offboarding" and entry.entity_id.isdigit() else 0
        title = self.records.item_titles.get((case, key))
        return gettext_(title) if title else key

    def label(self, entry: AuditEntry, key: str) -> str:
        if entry.entity == "alert_rule" and (entry.entity_id, key) in THRESHOLD_LABELS:
            return gettext_(THRESHOLD_LABELS[(entry.entity_id, key)])  # type: ignore[index]
        return gettext_(FIELD_LABELS[key]) if key in FIELD_LABELS else key

    # ------------------------------------------------------------------ lines
    def lines(self, entry: AuditEntry) -> list[DetailLine]:
        """``before``/``after`` become one line per changed field; every other key is a line of its own."""
        detail: dict[str, Any] = entry.detail or {}
        lines: list[DetailLine] = []
        changed: set[str] = set()
        if "before" in detail and "after" in detail:
            before, after = detail["before"], detail["after"]
            if isinstance(before, dict) or isinstance(after, dict):  # a first version has nothing before it
                before, after = before if isinstance(before, dict) else {}, after if isinstance(after, dict) else {}
                changed = {key for key in set(before) | set(after) if before.get(key) != after.get(key)}
                shown = [
                    DetailLine(
                        self.label(entry, key),
                        self.value(entry, key, after.get(key)),
                        self.value(entry, key, before.get(key)),
                    )
                    for key in sorted(changed)
                ]
                lines += [line for line in shown if line.value != line.before]  # None and {} both read "—"
            else:
                lines.append(
                    DetailLine(
                        self.label(entry, "value"),
                        self.value(entry, "value", after),
                        self.value(entry, "value", before),
                    )
                )
        lines += [
            DetailLine(self.label(entry, key), self.value(entry, key, value))
            for key, value in detail.items()
            if key not in ("before", "after") and key not in changed and value not in (None, "", [], {})
        ]
        return lines

    def view(self, entry: AuditEntry) -> EntryView:
        record, link = self.record(entry)
        return EntryView(
            entry=entry,
            actor=self.person(entry.actor_id) if entry.actor_id is not None else None,
            action=gettext_(action_label(entry.action)),
            record=record,
            link=link,
            lines=self.lines(entry),
        )


def entry_views(session: Session, entries: list[AuditEntry], timezone: str) -> list[EntryView]:
    """The page's entries worded for the current reader."""
    wording = AuditWording(records_for(session, **mentioned(entries)), timezone)
    return [wording.view(entry) for entry in entries]
