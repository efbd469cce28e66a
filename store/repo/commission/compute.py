"""Computing a settlement: every statement of a period, line by line, in one pass over the money.

Payments are read in the order the money came in (paid time, then id) from one snapshot; each
advances its seller along the plan's tier ladder, so a payment that crosses a boundary earns
the lower rate below it and the higher one above. Refunds follow, each taking back its share of
what the payment it reverses earned. Commission held for leavers' owed orders is released once
the order is paid, or forfeited after the plan's days. The same inputs always give the same lines.

The run is written beside the published one in batches (progress is reported between them) and
published in one transaction: readers see the old draft or the new one, never half of either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from schemas.commission import ComputeResult, LineKind, NoCommissionPlan, TeamReview
from schemas.commission_math import Ladder, share_of, to_fen, to_rate_units
from store.db import Database
from store.models import (
    CommissionAdjustment,
    CommissionLine,
    CommissionPlan,
    CommissionSettlement,
    CommissionStatement,
    Employee,
    Team,
)
from store.models.base import utcnow
from store.repo.commission import inputs
from store.repo.commission.earning import EarningPass
from store.repo.commission.plans import in_force
from store.repo.org.responsibility import team_reviewer

BATCH = 50_000
LINE_COLUMNS = (
    "settlement_id",
    "run",
    "employee_id",
    "payment_id",
    "kind",
    "amount_fen",
    "commission_fen",
    "reverses_payment_id",
)
Line = tuple[int, int, int, int, str, int, int, int | None]
Progress = Callable[[float], None]


@dataclass
class Totals:
    """One employee's statement, summed from its lines as they are written."""

    collected_fen: int = 0
    refunded_fen: int = 0
    gross_fen: int = 0
    clawback_fen: int = 0
    held_fen: int = 0
    released_fen: int = 0
    forfeited_fen: int = 0

    def add(self, kind: str, amount: int, commission: int) -> None:
        if kind in (LineKind.earned, LineKind.held):
            if amount >= 0:
                self.collected_fen += amount
            else:
                self.refunded_fen -= amount
        if kind == LineKind.earned:
            self.gross_fen += commission
        elif kind == LineKind.held:
            self.gross_fen += commission
            self.held_fen += commission
        elif kind == LineKind.clawback:
            self.refunded_fen -= amount
            self.clawback_fen += commission
        elif kind == LineKind.released:
            self.released_fen += commission
        elif kind == LineKind.forfeited:
            self.forfeited_fen += commission


class Ladders:
    """The plan as arithmetic: the tier ladder and the services that earn a flat rate."""

    def __init__(self, plan: CommissionPlan) -> None:
        self.ladder = Ladder(
            [to_fen(Decimal(tier["from"])) for tier in plan.tiers],
            [to_rate_units(Decimal(tier["rate"])) for tier in plan.tiers],
        )
        self.service_rates = {code: to_rate_units(Decimal(rate)) for code, rate in plan.service_rates.items()}


class Computation:
    def __init__(self, db: Database, settlement_id: int, run: int, timezone: str, progress: Progress) -> None:
        self.db = db
        self.settlement_id = settlement_id
        self.run = run
        self.timezone = timezone
        self.progress = progress
        self.totals: dict[int, Totals] = defaultdict(Totals)
        self.pending: list[Line] = []

    # ----------------------------------------------------------------- the pass
    def compute(self) -> ComputeResult:
        with self.db.session() as writer:
            settlement = self._settlement(writer)
            plan = in_force(writer, settlement.period)
            if plan is None:
                raise NoCommissionPlan()
            plan_version = plan.version
            self._discard_run(writer)
        ladders = Ladders(plan)
        with self.db.snapshot() as reader:
            window = inputs.window_of(reader, settlement, self.timezone)
            expected = max(inputs.payment_count(reader, window), 1)
            owed = inputs.owed_orders_of_leavers(reader, window.end)
            shares = inputs.service_shares(reader, ladders.service_rates)
            done = 0
            earning = EarningPass(ladders.ladder, shares, owed)
            for rows in inputs.payments(reader, window, BATCH):
                earning.earn(rows)
                done += len(rows)
                self.progress(0.5 * done / expected)
            self._take_totals(earning)
            self._write_earned(earning, expected)
            self._claw_back(inputs.refunds(reader, window))
            self.progress(0.9)
            self._release_or_forfeit(reader, window, plan.hold_forfeit_days)
            self.progress(0.95)
        return self._publish(plan_version)

    def _write_earned(self, earning: EarningPass, expected: int) -> None:
        """Seller by seller, so each statement's lines sit together on disk and in the index."""
        written, batch = 0, []
        for seller in sorted(earning.lines):
            batch.extend(earning.lines.pop(seller))
            if len(batch) >= BATCH or not earning.lines:
                self._insert(batch, f"{self.settlement_id}, {self.run}, ", LINE_COLUMNS[:7])
                written += len(batch)
                batch = []
                self.progress(0.5 + 0.35 * written / expected)

    def _take_totals(self, earning: EarningPass) -> None:
        for seller, collected in earning.collected.items():
            totals = self.totals[seller]
            totals.collected_fen += collected
            totals.gross_fen += earning.gross[seller]
            totals.held_fen += earning.held.get(seller, 0)

    def _claw_back(self, refunds: list[tuple[int, int | None, int, int]]) -> None:
        """A refund takes back the share of its payment's commission; while that commission is
        still held, the hold shrinks instead (there is nothing paid to claw back)."""
        self._flush()
        with self.db.session() as session:  # sees this run's lines, written since the snapshot began
            earned = inputs.commission_of_payments(
                session,
                self.settlement_id,
                self.run,
                [(seller, reverses) for _, reverses, _, seller in refunds if reverses is not None],
            )
        for refund_id, reverses, fen, _ in refunds:
            if reverses is None or reverses not in earned:
                continue  # the payment predates commission: nothing was paid on it
            employee, paid_fen, commission, kind = earned[reverses]
            taken = -abs(share_of(commission, fen, paid_fen))
            line_kind = LineKind.held.value if kind == LineKind.held.value else LineKind.clawback.value
            self._line(employee, refund_id, line_kind, -fen, taken, reverses)
        self._flush()

    def _release_or_forfeit(self, reader: Session, window: inputs.Window, forfeit_days: int | None) -> None:
        held = inputs.still_held(reader, window, self.timezone)
        paid = inputs.fully_paid(reader, {item.order_id for item in held}, window.end)
        for item in held:
            if item.order_id in paid:
                self._line(item.employee_id, item.payment_id, LineKind.released.value, 0, item.commission_fen, None)
            elif forfeit_days is not None and window.end - item.held_until >= timedelta(days=forfeit_days):
                self._line(item.employee_id, item.payment_id, LineKind.forfeited.value, 0, item.commission_fen, None)
        self._flush()

    # ----------------------------------------------------------------- writing
    def _line(
        self, employee: int, payment_id: int, kind: str, amount: int, commission: int, reverses: int | None
    ) -> None:
        self.totals[employee].add(kind, amount, commission)
        self.pending.append((self.settlement_id, self.run, employee, payment_id, kind, amount, commission, reverses))

    def _flush(self) -> None:
        if self.pending:
            self._insert(self.pending, "", LINE_COLUMNS)
        self.pending = []

    def _insert(self, rows: list[Any], fixed: str, columns: tuple[str, ...]) -> None:
        """Straight to the driver's executemany; ``fixed`` are leading values (ids, not input)
        shared by every row."""
        with self.db.session() as writer:
            connection = writer.connection()
            mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
            marks = ", ".join([mark] * (len(columns) - fixed.count(",")))
            connection.exec_driver_sql(
                f"INSERT INTO commission_lines ({', '.join(columns)}) VALUES ({fixed}{marks})", rows
            )

    def _discard_run(self, writer: Session) -> None:
        """A retried computation starts over: whatever an earlier attempt wrote of this run goes."""
        writer.execute(
            delete(CommissionLine).where(
                CommissionLine.settlement_id == self.settlement_id, CommissionLine.run == self.run
            )
        )
        writer.execute(
            delete(CommissionStatement).where(
                CommissionStatement.settlement_id == self.settlement_id, CommissionStatement.run == self.run
            )
        )

    def _publish(self, plan_version: int) -> ComputeResult:
        with self.db.session() as writer:
            settlement = self._settlement(writer)
            writer.execute(
                update(CommissionAdjustment)
                .where(CommissionAdjustment.settlement_id.is_(None))
                .values(settlement_id=self.settlement_id)
            )  # corrections waiting for a settlement
            adjusted = set(
                writer.scalars(
                    select(CommissionAdjustment.employee_id).where(
                        CommissionAdjustment.settlement_id == self.settlement_id
                    )
                )
            )
            for employee in adjusted - set(self.totals):
                self.totals[employee] = Totals()
            teams = dict(
                writer.execute(select(Employee.id, Employee.team_id).where(Employee.id.in_(list(self.totals)))).all()
            )
            writer.add_all(
                [
                    CommissionStatement(
                        settlement_id=self.settlement_id,
                        run=self.run,
                        employee_id=employee,
                        team_id=teams.get(employee),
                        **{f.name: getattr(totals, f.name) for f in fields(Totals)},
                    )
                    for employee, totals in sorted(self.totals.items())
                ]
            )
            for model in (CommissionLine, CommissionStatement):
                writer.execute(delete(model).where(model.settlement_id == self.settlement_id, model.run != self.run))
            settlement.run, settlement.plan_version = self.run, plan_version
            settlement.computed_at, settlement.progress = utcnow(), 1.0
            return ComputeResult(run=self.run, statements=len(self.totals), teams=_team_reviews(writer, teams))

    def _settlement(self, session: Session) -> CommissionSettlement:
        settlement = session.get(CommissionSettlement, self.settlement_id)
        assert settlement is not None, f"settlement {self.settlement_id} is gone"
        return settlement


def _team_reviews(session: Session, teams: dict[int, int | None]) -> list[TeamReview]:
    counts: dict[int, int] = defaultdict(int)
    for team_id in teams.values():
        if team_id is not None:
            counts[team_id] += 1
    rows = session.scalars(select(Team).where(Team.id.in_(list(counts))).order_by(Team.id)).all()
    return [
        TeamReview(
            team_id=team.id, team_name=team.name, reviewer_id=team_reviewer(session, team), statements=counts[team.id]
        )
        for team in rows
    ]


def compute(db: Database, settlement_id: int, run: int, timezone: str, progress: Progress) -> ComputeResult:
    return Computation(db, settlement_id, run, timezone, progress).compute()
