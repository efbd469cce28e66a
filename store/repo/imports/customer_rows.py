"""The rows of a customers file: where each customer lands, and writing them.

Customers land where :mod:`store.repo.customers.placement` puts one created by hand: in the named
owner's team, or, without an owner, in the pool of the team the admin's rules give them; a sales
manager may only import customers into teams they manage (otherwise they would vanish from their
own view).
"""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from schemas.kernel.errors import N_
from store.models import Customer
from store.repo.customers.placement import PlacementRules
from store.repo.customers.records import record_creation
from store.repo.customers.team_rules import TeamDecision, decide_team
from store.repo.customers.visibility import Viewer
from store.repo.imports import columns as cells
from store.repo.imports.columns import CellProblem, HeaderMap
from store.repo.imports.report import ProblemLog
from store.repo.imports.rows import UNKNOWN_OWNER, ParsedRow, Parser, RowChecks


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
