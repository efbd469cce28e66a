"""What each row of a customers or orders file must satisfy, and how good rows are written.

The same code serves the dry run and the commit, so what the dry run promised is exactly what the
commit checks again (records may have changed in between). Rows are handled in chunks, so the
database is asked once per chunk (which external ids exist, which owners, which customers), not
once per row.

Rules, in business terms:
- a row whose external id is already in Baton is *skipped* (already imported): that is what makes
  importing the same file twice add nothing. Its cells are still checked for form (the file itself
  is wrong otherwise), but not against records, since nothing of it will be written;
- the same external id twice in one file is an error on every row that carries it;
- customers land where :mod:`store.repo.customers.placement` puts one created by hand: in the
  named owner's team, or, without an owner, in the pool of the team the admin's rules give them;
  a sales manager may only import customers into teams they manage (otherwise they would vanish
  from their own view);
- an order belongs to a customer the importer can see, names a service on the price list, and
  belongs to the named owner or else to the customer's owner. Departed owners are accepted for
  orders: history is history. Floor price, credit and capacity rules are not applied to history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from schemas.kernel.errors import N_
from schemas.orders import OrderStatus
from store.models import Customer, Employee, Order, OrderLine, Payment, Service
from store.repo.customers.placement import OWNER_ROLES, PlacementRules
from store.repo.customers.records import record_creation
from store.repo.customers.team_rules import TeamDecision, decide_team
from store.repo.customers.visibility import Viewer, customer_condition
from store.repo.imports import columns as cells
from store.repo.imports.columns import CellProblem, CellValue, Column, HeaderMap
from store.repo.imports.report import Problem, ProblemLog


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]
    ok: bool = True


Parser = Callable[[CellValue, Column], Any]


def _required_money(value: CellValue, _column: Column) -> Decimal:
    amount = cells.money(value)
    if amount is None:
        raise CellProblem("required", N_("Required."))
    return amount


class RowChecks:
    """One kind of import: parse a row's cells, check chunks of rows against the records, write."""

    columns: ClassVar[tuple[Column, ...]]
    parsers: ClassVar[dict[str, Parser]]

    def __init__(self, session: Session, actor: Viewer, header: HeaderMap, log: ProblemLog) -> None:
        self.session, self.actor, self.header, self.log = session, actor, header, log
        self.skipped_rows: set[int] = set()
        self._first_row: dict[str, int] = {}
        self._repeated: set[str] = set()
        self._owners: dict[str, Employee | None] = {}

    def problem(self, row: ParsedRow, field_name: str, found: CellProblem, value: CellValue = None) -> None:
        row.ok = False
        self.log.add(
            Problem(
                row.number,
                self.header.label(field_name),
                found.code,
                found.message,
                found.params,
                cells.cell_text(value)[:100],
            ),
            self.header.order(field_name),
        )

    def parse(self, number: int, raw: list[CellValue]) -> ParsedRow:
        row = ParsedRow(number, {})
        for column in self.columns:
            index = self.header.positions.get(column.field, (len(raw), ""))[0]
            value = raw[index] if index < len(raw) else None
            try:
                row.values[column.field] = self.parsers.get(column.field, cells.text)(value, column)
            except CellProblem as found:
                row.values[column.field] = None
                self.problem(row, column.field, found, value)
        return row

    def check_chunk(self, chunk: list[tuple[int, list[CellValue]]]) -> list[ParsedRow]:
        """The rows of this chunk that may be written; every problem goes to the log."""
        rows = [self.parse(number, raw) for number, raw in chunk]
        self._mark_repeats(rows)
        ids = {row.values["external_id"] for row in rows if row.values.get("external_id")}
        existing = self.existing_ids(ids) if ids else set()
        fresh = []
        for row in rows:
            if row.values.get("external_id") in existing:
                self.skipped_rows.add(row.number)
            else:
                fresh.append(row)
        self.check_records(fresh)
        return [row for row in fresh if row.ok]

    def _mark_repeats(self, rows: list[ParsedRow]) -> None:
        for row in rows:
            external_id = row.values.get("external_id")
            if not external_id:
                continue
            first = self._first_row.setdefault(external_id, row.number)
            if first == row.number:
                continue
            self.problem(
                row,
                "external_id",
                CellProblem(
                    "duplicate",
                    N_("External id %(id)s is repeated in this file: first on row %(first)s."),
                    id=external_id,
                    first=first,
                ),
                external_id,
            )
            if external_id not in self._repeated:
                self._repeated.add(external_id)
                self.log.add(
                    Problem(
                        first,
                        self.header.label("external_id"),
                        "duplicate",
                        N_("External id %(id)s is repeated in this file: again on row %(again)s."),
                        {"id": external_id, "again": row.number},
                        external_id,
                    ),
                    self.header.order("external_id"),
                )

    def owners(self, usernames: set[str]) -> dict[str, Employee | None]:
        """Employees by username, asked once per name for the whole file."""
        missing = [name for name in usernames if name and name not in self._owners]
        if missing:
            query = select(Employee).where(Employee.username.in_(missing))
            found = {employee.username: employee for employee in self.session.scalars(query)}
            self._owners.update({name: found.get(name) for name in missing})
        return self._owners

    def existing_ids(self, ids: set[str]) -> set[str]:
        raise NotImplementedError

    def check_records(self, rows: list[ParsedRow]) -> None:
        raise NotImplementedError

    def write(self, rows: list[ParsedRow], *, job_id: int, timezone: str) -> int:
        raise NotImplementedError


UNKNOWN_OWNER = CellProblem("unknown_owner", N_("No such salesperson."))


class CustomerRows(RowChecks):
    columns = cells.CUSTOMER_COLUMNS
    parsers: ClassVar[dict[str, Parser]] = {
        "size": lambda value, _column: cells.size(value),
        "credit_limit": lambda value, _column: cells.money(value),
        "tags": lambda value, _column: cells.tags(value),
    }

    def __init__(self, session: Session, actor: Viewer, header: HeaderMap, log: ProblemLog) -> None:
        super().__init__(session, actor, header, log)
        self._teams: dict[tuple[str, str, str], TeamDecision] = {}
        self._placing = PlacementRules(session, actor)

    def existing_ids(self, ids: set[str]) -> set[str]:
        # Soft-deleted customers count too: their external id is still taken.
        return set(self.session.scalars(select(Customer.external_id).where(Customer.external_id.in_(ids))))

    def check_records(self, rows: list[ParsedRow]) -> None:
        owners = self.owners({row.values["owner"] for row in rows if row.values.get("owner")})
        for row in rows:
            values = row.values
            if None in (values["region"], values["industry"], values["size"]):
                continue  # the team cannot be decided; the cell problem is already reported
            owner = owners.get(values["owner"]) if values.get("owner") else None
            if values.get("owner") and owner is None:
                self.problem(row, "owner", UNKNOWN_OWNER, values["owner"])
                continue
            lead_team = TeamDecision(None)
            if owner is None:
                key = (values["region"], values["industry"], values["size"])
                if key not in self._teams:
                    self._teams[key] = decide_team(self.session, *key)
                lead_team = self._teams[key]
            placement, refusals = self._placing.problems(owner.id if owner else None, lead_team)
            for refusal in refusals:
                field_name, value = (
                    ("owner", values["owner"]) if refusal["field"] == "owner_id" else ("region", values["region"])
                )
                self.problem(row, field_name, CellProblem(refusal["code"], refusal["message"]), value)
            values["owner_id"], values["team_id"] = placement.owner_id, placement.team_id

    def write(self, rows: list[ParsedRow], *, job_id: int, timezone: str) -> int:
        fields = (
            "name",
            "region",
            "industry",
            "size",
            "contact_name",
            "contact_phone",
            "address",
            "owner_id",
            "team_id",
            "external_id",
        )
        params = [
            {
                **{name: row.values[name] for name in fields},
                "credit_limit": row.values["credit_limit"] or 0,
                "tags": row.values["tags"] or [],
                "notes": row.values["notes"] or "",
            }
            for row in rows
        ]
        created = self.session.scalars(insert(Customer).returning(Customer, sort_by_parameter_order=True), params)
        for customer in created:
            record_creation(self.session, customer, self.actor.id, N_("Imported"))
        self.session.flush()
        return len(params)


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


ROW_CHECKS: dict[str, type[RowChecks]] = {"customers": CustomerRows, "orders": OrderRows}
