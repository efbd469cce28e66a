"""The rows of a historical orders file: whose order it is, what it may carry, and writing it
with its line and the money already collected.

An order belongs to a customer the importer can see, names a service on the price list, and
belongs to the named owner or else to the customer's owner. Departed owners are accepted: history
is history. Floor price, credit and capacity rules are not applied to history.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from schemas.kernel.errors import N_
from schemas.orders import OrderStatus
from store.models import Customer, Employee, Order, OrderLine, Payment, Service
from store.repo.customers.placement import OWNER_ROLES
from store.repo.customers.visibility import Viewer, customer_condition
from store.repo.imports import columns as cells
from store.repo.imports.columns import CellProblem, CellValue, Column, HeaderMap
from store.repo.imports.report import ProblemLog
from store.repo.imports.rows import UNKNOWN_OWNER, ParsedRow, Parser, RowChecks


def _required_money(value: CellValue, _column: Column) -> Decimal:
    amount = cells.money(value)
    if amount is None:
        raise CellProblem("required", N_("Required."))
    return amount


def local_midnight(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


class OrderRows(RowChecks):
    columns = cells.ORDER_COLUMNS
    parsers: ClassVar[dict[str, Parser]] = {
        "requested_date": lambda value, _column: cells.day(value),
        "quantity": lambda value, _column: cells.whole_number(value),
        "unit_price": _required_money,
        "status": lambda value, _column: cells.order_status(value),
        "paid_amount": lambda value, _column: cells.money(value),
    }

    def __init__(self, session: Session, actor: Viewer, header: HeaderMap, log: ProblemLog) -> None:
        super().__init__(session, actor, header, log)
        self._services = set(session.scalars(select(Service.code)))

    def existing_ids(self, ids: set[str]) -> set[str]:
        return set(self.session.scalars(select(Order.external_id).where(Order.external_id.in_(ids))))

    def _customers(self, ids: set[str]) -> dict[str, tuple[int, int | None]]:
        """Customers by external id, among those the importer may see (others are unknown to them)."""
        query = select(Customer.external_id, Customer.id, Customer.owner_id).where(
            Customer.external_id.in_(ids), customer_condition(self.session, self.actor)
        )
        return {
            external_id or "": (customer_id, owner_id)
            for external_id, customer_id, owner_id in self.session.execute(query)
        }

    def check_records(self, rows: list[ParsedRow]) -> None:
        customers = self._customers(
            {row.values["customer_external_id"] for row in rows if row.values.get("customer_external_id")}
        )
        owners = self.owners({row.values["owner"] for row in rows if row.values.get("owner")})
        for row in rows:
            values = row.values
            customer = customers.get(values["customer_external_id"] or "")
            if values["customer_external_id"] and customer is None:
                self.problem(
                    row,
                    "customer_external_id",
                    CellProblem(
                        "unknown_customer",
                        N_("No customer with external id %(id)s. Import the customers first."),
                        id=values["customer_external_id"],
                    ),
                    values["customer_external_id"],
                )
            if values["service"] and values["service"] not in self._services:
                self.problem(
                    row,
                    "service",
                    CellProblem(
                        "unknown_service",
                        N_("No service with code %(service)s on the price list."),
                        service=values["service"],
                    ),
                    values["service"],
                )
            owner_id = self._owner_of(row, owners, customer)
            self._check_paid(row)
            values["customer_id"] = customer[0] if customer else None
            values["owner_id"] = owner_id

    def _owner_of(
        self, row: ParsedRow, owners: dict[str, Employee | None], customer: tuple[int, int | None] | None
    ) -> int | None:
        username = row.values.get("owner")
        if username:
            owner = owners.get(username)
            if owner is None or not OWNER_ROLES & set(owner.roles or []):
                self.problem(row, "owner", UNKNOWN_OWNER, username)
                return None
            return owner.id
        if customer is not None and customer[1] is None:
            self.problem(
                row, "owner", CellProblem("no_owner", N_("The customer has no owner: fill in the owner column."))
            )
        return customer[1] if customer else None

    def _check_paid(self, row: ParsedRow) -> None:
        paid, values = row.values.get("paid_amount"), row.values
        if not paid:
            return
        if values["status"] not in (None, OrderStatus.approved):
            self.problem(
                row,
                "paid_amount",
                CellProblem("paid_not_approved", N_("Money can only be recorded on an approved order.")),
                paid,
            )
        elif (
            values["quantity"] is not None
            and values["unit_price"] is not None
            and paid > values["quantity"] * values["unit_price"]
        ):
            self.problem(row, "paid_amount", CellProblem("overpaid", N_("More than the order total.")), paid)

    def write(self, rows: list[ParsedRow], *, job_id: int, timezone: str) -> int:
        orders = []
        for row in rows:
            values = row.values
            at = local_midnight(values["requested_date"], timezone)
            orders.append(
                {
                    "customer_id": values["customer_id"],
                    "owner_id": values["owner_id"],
                    "status": values["status"],
                    "requested_date": values["requested_date"],
                    "total": values["quantity"] * values["unit_price"],
                    "external_id": values["external_id"],
                    "created_at": at,
                    "decided_at": at,
                }
            )
        ids = list(self.session.scalars(insert(Order).returning(Order.id, sort_by_parameter_order=True), orders))
        self.session.execute(
            insert(OrderLine),
            [
                {
                    "order_id": order_id,
                    "service_code": row.values["service"],
                    "quantity": row.values["quantity"],
                    "unit_price": row.values["unit_price"],
                    "amount": order["total"],
                }
                for order_id, row, order in zip(ids, rows, orders, strict=True)
            ],
        )
        payments = [
            {
                "order_id": order_id,
                "kind": "payment",
                "amount": row.values["paid_amount"],
                "paid_at": order["created_at"],
                "recorded_by": self.actor.id,
                "note": f"import {job_id}",
            }
            for order_id, row, order in zip(ids, rows, orders, strict=True)
            if row.values.get("paid_amount")
        ]
        if payments:
            self.session.execute(insert(Payment), payments)
        return len(rows)
