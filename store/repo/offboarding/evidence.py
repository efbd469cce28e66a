"""The evidence a handover step needs before it is accepted, every problem at once: files on the
item's task, a written declaration, a collection plan for every owed order (per customer or per
order), a follow-up with every customer since the handover began; for the manager's customer plan,
what :mod:`store.repo.offboarding.reassignment` finds wrong with it.

Read by the web layer before it sends a person's action, so a refusal is never recorded.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.kernel.errors import N_
from schemas.offboarding import Evidence, EvidenceCheck
from store.models import Attachment, Customer, Employee, Interaction
from store.repo.offboarding import reassignment
from store.repo.offboarding.owed import owed_by_customer

FOLLOWUPS_LISTED = 50  # the missing follow-ups a refusal names; the case page lists them all


def customers_without_followup(session: Session, employee_id: int, since: datetime) -> list[Customer]:
    """The person's customers nobody has recorded a contact with since the handover began."""
    contacted = select(Interaction.customer_id).where(Interaction.occurred_at >= since)
    return list(
        session.scalars(
            select(Customer)
            .where(Customer.owner_id == employee_id, Customer.deleted_at.is_(None), Customer.id.not_in(contacted))
            .order_by(Customer.name, Customer.id)
        )
    )


def evidence_problems(session: Session, check: EvidenceCheck) -> list[dict[str, Any]]:
    """What is missing before an item can be done (or a plan approved), every problem at once."""
    if check.kind == "plan":
        leaver = session.get(Employee, check.employee_id)
        assert leaver is not None
        return reassignment.plan_problems(session, leaver, check.data.get("assignments"))
    if check.evidence == Evidence.attachment:
        files = session.scalar(select(func.count()).select_from(Attachment).where(Attachment.task_id == check.task_id))
        return (
            []
            if files
            else [
                {
                    "field": "attachments",
                    "code": "attachment_required",
                    "message": N_("Upload at least one file as evidence."),
                }
            ]
        )
    if check.evidence == Evidence.declaration:
        declaration = check.data.get("declaration")
        return (
            []
            if isinstance(declaration, str) and declaration.strip()
            else [
                {"field": "data.declaration", "code": "declaration_required", "message": N_("Write the declaration.")}
            ]
        )
    if check.evidence == Evidence.orders:
        return _collection_plan_problems(session, check)
    if check.evidence == Evidence.followups:
        missing = customers_without_followup(session, check.employee_id, check.started_at)
        return [
            {
                "field": "followups",
                "code": "followup_missing",
                "customer_id": customer.id,
                "customer": customer.name,
                "message": N_("No follow-up recorded since the handover began."),
            }
            for customer in missing[:FOLLOWUPS_LISTED]
        ]
    return []


def _planned(rows: Any, key: str) -> set[int]:
    """The ids of the rows that name one (``key``) and give a collection plan in words."""
    if not isinstance(rows, list):
        return set()
    return {
        row[key]
        for row in rows
        if isinstance(row, dict)
        and isinstance(row.get(key), int)
        and isinstance(row.get("collection_plan"), str)
        and row["collection_plan"].strip()
    }


def _collection_plan_problems(session: Session, check: EvidenceCheck) -> list[dict[str, Any]]:
    """Every owed order needs a plan: its customer's (``data.customers``) or its own
    (``data.orders``). What is missing is named the way the plans were given: per order for a
    caller still planning order by order, else per customer with the orders it covers."""
    by_order, by_customer = (
        _planned(check.data.get("orders"), "order_id"),
        _planned(check.data.get("customers"), "customer_id"),
    )
    groups = owed_by_customer(session, check.employee_id)
    missing = [
        (group, [item for item in group.orders if item.order.id not in by_order])
        for group in groups
        if group.customer_id not in by_customer
    ]
    if "orders" in check.data and "customers" not in check.data:
        return [
            {
                "field": "data.orders",
                "code": "collection_plan_missing",
                "order_id": item.order.id,
                "message": N_("Say how and by whom this order's money will be collected."),
            }
            for group, items in missing
            for item in items
        ]
    return [
        {
            "field": "data.customers",
            "code": "collection_plan_missing",
            "customer_id": group.customer_id,
            "customer": group.customer_name,
            "order_ids": [item.order.id for item in items],
            "owed": str(sum((item.owed for item in items), Decimal("0.00"))),
            "message": N_("Say how and by whom this customer's open orders will be collected."),
        }
        for group, items in missing
        if items
    ]
