"""What the task page says a task is about, in business words: for an order the customer, the
seller, the total and each line in money, the approval step, a resubmission and the approver's
warnings in words; for a handover the person leaving, their last day, what the item needs, the
proposed new owners; for a settlement its month and team; for an alert its rule, subject and risk.
Every record named links to its page; every time is company time.

The task row's ``context`` holds the process's ids and codes (``step``, ``revision``,
``order_id``, ``warnings``); none of them is shown as stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from schemas.alerts import RULE_LABELS, SEVERITY_LABELS, SubjectType
from schemas.kernel.errors import N_
from schemas.kernel.i18n import gettext_
from store.models import Task
from store.repo.tasks.subjects import TaskSubject
from web.offboarding.labels import EVIDENCE_HINTS, PARTY_LABELS
from web.orders.labels import step_label, warning_text
from web.processes.history_text import DECISION_LABELS
from web.shared.templating import format_money, local_time


@dataclass(frozen=True)
class Fact:
    """One labelled line of the task page; ``items`` for a list (text, link)."""

    label: str  # an English message id
    value: str = ""
    href: str | None = None
    items: list[tuple[str, str | None]] = field(default_factory=list)


def _round(context: dict[str, Any]) -> list[Fact]:
    number = context.get("round")
    if isinstance(number, int) and number > 1:
        return [Fact(N_("Round"), gettext_(N_("Round %(number)s, after it was sent back"), number=number))]
    return []


def _order(task: Task, subject: TaskSubject, timezone: str) -> list[Fact]:
    context: dict[str, Any] = task.context or {}
    order = subject.order
    facts: list[Fact] = []
    if order is not None:
        facts += [
            Fact(N_("Order"), gettext_(N_("Order #%(order)s"), order=order.id), f"/orders/{order.id}"),
            Fact(N_("Customer"), subject.customers.get(order.customer_id, ""), f"/customers/{order.customer_id}"),
            Fact(N_("Seller"), str(context.get("seller") or subject.people.get(order.owner_id, ""))),
            Fact(N_("Requested date"), order.requested_date.isoformat()),
        ]
    if context.get("step"):
        facts.append(Fact(N_("Approval step"), gettext_(step_label(context.get("step")))))
    revision = context.get("revision")
    if isinstance(revision, int) and revision > 1:
        facts.append(
            Fact(
                N_("Submission"),
                gettext_(N_("Resubmitted after a rejection (revision %(revision)s)"), revision=revision),
            )
        )
    total = context.get("total", order.total if order is not None else None)
    if total is not None:
        facts.append(Fact(N_("Total"), format_money(total)))
    lines = context.get("lines") if isinstance(context.get("lines"), list) else subject.order_lines
    if lines:
        facts.append(
            Fact(
                N_("Lines"),
                items=[
                    (
                        gettext_(
                            N_("%(service)s: %(quantity)s × %(price)s = %(amount)s"),
                            service=line.get("service_name") or line.get("service", ""),
                            quantity=line.get("quantity", ""),
                            price=format_money(line.get("unit_price")),
                            amount=format_money(line.get("amount")),
                        ),
                        None,
                    )
                    for line in lines
                    if isinstance(line, dict)
                ],
            )
        )
    if "warnings" in context:  # the approver is told there are none, too
        warnings = [warning for warning in context["warnings"] or [] if isinstance(warning, dict)]
        facts.append(
            Fact(N_("Warnings"), items=[(warning_text(warning), None) for warning in warnings])
            if warnings
            else Fact(N_("Warnings"), gettext_(N_("None")))
        )
    note = context.get("note", order.note if order is not None else "")
    if note:
        facts.append(Fact(N_("Note for the approvers"), str(note)))
    return facts


def _offboarding(task: Task, subject: TaskSubject, timezone: str) -> list[Fact]:
    context: dict[str, Any] = task.context or {}
    case = subject.case
    facts: list[Fact] = []
    if case is not None:
        facts += [
            Fact(N_("Person leaving"), subject.people.get(case.employee_id, ""), f"/offboardings/{case.id}"),
            Fact(N_("Last working day"), case.last_day.isoformat()),
        ]
    evidence = context.get("evidence")
    if task.kind == "handover_item" and isinstance(evidence, str) and evidence in EVIDENCE_HINTS:
        facts.append(Fact(N_("What it needs"), gettext_(EVIDENCE_HINTS[evidence])))
    role = context.get("role")
    if task.kind == "offboarding_review" and isinstance(role, str):
        facts.append(Fact(N_("Sign-off for"), gettext_(PARTY_LABELS.get(role, role))))
    moves = [move for move in context.get("proposal") or [] if isinstance(move, dict)]
    if task.kind == "reassignment_plan" and moves:
        facts.append(
            Fact(
                N_("Proposed new owners"),
                items=[
                    (
                        gettext_(
                            N_("%(customer)s → %(owner)s"),
                            customer=subject.customers.get(move.get("customer_id") or 0, ""),
                            owner=subject.people.get(move.get("to_id") or 0, "") or gettext_(N_("nobody yet")),
                        ),
                        f"/customers/{move['customer_id']}" if move.get("customer_id") else None,
                    )
                    for move in moves
                ],
            )
        )
    return facts + _round(context)


def _commission(task: Task, subject: TaskSubject, timezone: str) -> list[Fact]:
    context: dict[str, Any] = task.context or {}
    period = str(context.get("period") or task.process_id)
    facts = [Fact(N_("Month"), period, f"/commission/{period}")]
    if context.get("team"):
        facts.append(Fact(N_("Team"), str(context["team"])))
    return facts + _round(context)


def _alert(task: Task, subject: TaskSubject, timezone: str) -> list[Fact]:
    alert = subject.alert
    if alert is None:
        return []
    about = f"/customers/{alert.subject_id}" if alert.subject_type == SubjectType.customer else None
    return [
        Fact(N_("Alert"), gettext_(RULE_LABELS.get(alert.rule, alert.rule)), f"/alerts/{alert.id}"),
        Fact(N_("About"), alert.subject_name, about),
        Fact(N_("Risk"), gettext_(SEVERITY_LABELS.get(alert.severity, alert.severity))),
        Fact(N_("Raised"), local_time(alert.created_at, timezone)),
    ]


PROCESS_FACTS = {"order": _order, "offboarding": _offboarding, "commission": _commission, "alert": _alert}


def task_facts(task: Task, subject: TaskSubject, timezone: str) -> list[Fact]:
    """The facts of this task's kind of process (none for a process the page does not know)."""
    worded = PROCESS_FACTS.get(task.process)
    return worded(task, subject, timezone) if worded else []


def decision_label(decision: str | None) -> str:
    """What was decided, as a past act ("Approved", "Done"), in the reader's language."""
    return gettext_(DECISION_LABELS[decision]) if decision in DECISION_LABELS else decision or ""
