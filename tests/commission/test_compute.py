"""The commission of a period, line by line: tiers, rounding, clawbacks, holds, late money, runs.

Each figure below is worked out by hand from the plan; the suite runs on SQLite and on PostgreSQL,
so the same statements come out of both."""

from __future__ import annotations

from sqlalchemy import select

from schemas.orders import OrderStatus
from store.db import Database
from store.models import CommissionLine, CommissionStatement, Order, Payment, Service
from tests.support.commission import Settled, at, pay, published_run, sale, save_plan, settle, start_offboarding
from tests.support.org import OrgFixture


def statement(db: Database, settled: Settled, employee_id: int) -> dict[str, int]:
    with db.session() as session:
        row = session.scalars(
            select(CommissionStatement).where(
                CommissionStatement.settlement_id == settled.settlement_id,
                CommissionStatement.run == settled.run,
                CommissionStatement.employee_id == employee_id,
            )
        ).one()
        return {
            "collected": row.collected_fen,
            "gross": row.gross_fen,
            "clawback": row.clawback_fen,
            "held": row.held_fen,
            "released": row.released_fen,
            "forfeited": row.forfeited_fen,
            "refunded": row.refunded_fen,
        }


def test_a_payment_exactly_at_a_tier_boundary_earns_the_lower_rate_and_the_next_the_higher(
    db: Database, org: OrgFixture
) -> None:
    save_plan(db, org)
    order = sale(db, org, "sales_south", "200000.00")
    first = pay(db, order, "100000.00", "2026-10-05")
    second = pay(db, order, "10.00", "2026-10-06")
    settled = settle(db, "2026-10")
    assert settled.lines(db) == [
        (first, "earned", "100000.00", "2000.00", None),
        (second, "earned", "10.00", "0.30", None),
    ]


def test_a_payment_across_a_boundary_earns_each_rate_on_its_own_section(db: Database, org: OrgFixture) -> None:
    save_plan(db, org)
    order = sale(db, org, "sales_south", "200000.00")
    pay(db, order, "60000.00", "2026-10-05")
    crossing = pay(db, order, "50000.00", "2026-10-20")
    other = sale(db, org, "sales_south2", "50000.00")  # another seller climbs their own ladder
    theirs = pay(db, other, "50000.00", "2026-10-21")
    settled = settle(db, "2026-10")
    assert (crossing, "earned", "50000.00", "1100.00", None) in settled.lines(db)  # 40000×2% + 10000×3%
    assert settled.lines(db, org["sales_south2"]) == [(theirs, "earned", "50000.00", "1000.00", None)]
    assert statement(db, settled, org["sales_south"])["gross"] == 230000  # 2300.00 yuan in fen


def test_the_ladder_runs_in_the_order_money_came_in_not_the_order_it_was_recorded(
    db: Database, org: OrgFixture
) -> None:
    save_plan(db, org)
    order = sale(db, org, "sales_south", "300000.00")
    later = pay(db, order, "100000.00", "2026-10-20")
    earlier = pay(db, order, "100000.00", "2026-10-02")  # recorded second, paid first
    lines = settle(db, "2026-10").lines(db)
    assert (earlier, "earned", "100000.00", "2000.00", None) in lines
    assert (later, "earned", "100000.00", "3000.00", None) in lines


def test_each_line_is_rounded_half_up_to_the_fen_once_and_totals_are_their_sum(db: Database, org: OrgFixture) -> None:
    save_plan(db, org, tiers=[{"from": "0", "rate": "0.025"}])
    order = sale(db, org, "sales_south", "1000.00")
    payments = [
        pay(db, order, "0.20", "2026-10-05"),
        pay(db, order, "0.10", "2026-10-06"),
        pay(db, order, "0.20", "2026-10-07"),
    ]
    settled = settle(db, "2026-10")
    assert [line[3] for line in settled.lines(db)] == ["0.01", "0.00", "0.01"]  # 0.005 → 0.01, 0.0025 → 0.00
    assert [line[0] for line in settled.lines(db)] == payments
    assert statement(db, settled, org["sales_south"])["gross"] == 2  # not round(0.0125) = 1


def test_a_refund_in_the_next_period_claws_back_its_payments_share_paired_and_negative(
    db: Database, org: OrgFixture
) -> None:
    save_plan(db, org)
    order = sale(db, org, "sales_south", "1000.00")
    payment = pay(db, order, "1000.00", "2026-10-10")
    october = settle(db, "2026-10", lock=True)
    refund = pay(db, order, "250.00", "2026-11-03", refund_of=payment)
    november = settle(db, "2026-11")
    assert october.lines(db) == [(payment, "earned", "1000.00", "20.00", None)]
    assert november.lines(db) == [(refund, "clawback", "-250.00", "-5.00", payment)]
    totals = statement(db, november, org["sales_south"])
    assert (totals["clawback"], totals["refunded"], totals["gross"]) == (-500, 25000, 0)


def test_a_refund_of_a_payment_from_before_commission_claws_nothing_back(db: Database, org: OrgFixture) -> None:
    save_plan(db, org)
    order = sale(db, org, "sales_south", "1000.00")
    old = pay(db, order, "1000.00", "2026-08-10")  # before the first settlement
    pay(db, order, "100.00", "2026-10-10", refund_of=old)
    assert settle(db, "2026-10").lines(db) == []


def test_payments_on_orders_never_approved_earn_nothing(db: Database, org: OrgFixture) -> None:
    save_plan(db, org)
    rejected = sale(db, org, "sales_south", "1000.00")
    approved = sale(db, org, "sales_south", "1000.00")
    with db.session() as session:
        order = session.get(Order, rejected)
        assert order is not None
        order.status = OrderStatus.rejected
    pay(db, rejected, "1000.00", "2026-10-10")
    counted = pay(db, approved, "500.00", "2026-10-11")
    assert [line[0] for line in settle(db, "2026-10").lines(db)] == [counted]


def test_a_leavers_commission_on_an_owed_order_is_held_then_released_when_the_money_arrives(
    db: Database, org: OrgFixture
) -> None:
    save_plan(db, org)
    start_offboarding(db, org, "sales_south", "2026-10-01")
    owed = sale(db, org, "sales_south", "10000.00")
    paid_up = sale(db, org, "sales_south", "1000.00")
    part = pay(db, owed, "4000.00", "2026-10-10")
    whole = pay(db, paid_up, "1000.00", "2026-10-11")
    october = settle(db, "2026-10", lock=True)
    assert october.lines(db) == [(part, "held", "4000.00", "80.00", None), (whole, "earned", "1000.00", "20.00", None)]
    totals = statement(db, october, org["sales_south"])
    assert (totals["gross"], totals["held"]) == (10000, 8000)  # net pays 20.00, holds 80.00

    rest = pay(db, owed, "6000.00", "2026-11-20")
    november = settle(db, "2026-11")
    # the order is paid by November's end: the new money earns, and October's hold is released
    assert november.lines(db) == [
        (rest, "earned", "6000.00", "120.00", None),
        (part, "released", "0.00", "80.00", None),
    ]
    assert statement(db, november, org["sales_south"])["released"] == 8000


def test_held_commission_is_forfeited_after_the_plans_days_without_the_money(db: Database, org: OrgFixture) -> None:
    save_plan(db, org, hold_forfeit_days=30)
    start_offboarding(db, org, "sales_south", "2026-09-20")
    owed = sale(db, org, "sales_south", "10000.00")
    part = pay(db, owed, "4000.00", "2026-10-10")
    settle(db, "2026-10", lock=True)
    november = settle(db, "2026-11")
    assert november.lines(db) == [(part, "forfeited", "0.00", "80.00", None)]
    assert statement(db, november, org["sales_south"])["forfeited"] == 8000


def test_money_recorded_late_for_a_locked_period_reaches_the_next_statement_once(db: Database, org: OrgFixture) -> None:
    save_plan(db, org)
    order = sale(db, org, "sales_south", "5000.00")
    on_time = pay(db, order, "1000.00", "2026-10-10")
    october = settle(db, "2026-10", lock=True)
    late = pay(db, order, "1000.00", "2026-10-30")  # paid in October, recorded after it was locked
    november = settle(db, "2026-11")
    assert [line[0] for line in october.lines(db)] == [on_time]
    assert [line[0] for line in november.lines(db)] == [late]
    again = settle(db, "2026-11", existing=november)
    assert [line[0] for line in again.lines(db)] == [late]


def test_a_service_with_its_own_rate_earns_it_flat_on_its_share_of_each_payment(db: Database, org: OrgFixture) -> None:
    with db.session() as session:
        session.add_all(
            [
                Service(code=code, name=code, unit="件", list_price=1, floor_price=1, capacity_per_day=10)
                for code in ("LTL", "WH")
            ]
        )
    save_plan(db, org, service_rates={"WH": "0.10"})
    order = sale(db, org, "sales_south", "1000.00", lines=[("LTL", "600.00"), ("WH", "400.00")])
    payment = pay(db, order, "500.00", "2026-10-10")
    # 200.00 of it is warehousing at 10% (20.00); 300.00 climbs the ladder at 2% (6.00)
    assert settle(db, "2026-10").lines(db) == [(payment, "earned", "500.00", "26.00", None)]


def test_recomputing_gives_the_same_lines_and_replaces_the_draft_whole(db: Database, org: OrgFixture) -> None:
    save_plan(db, org)
    for owner, amounts in (("sales_south", ["70000.00", "50000.00"]), ("sales_east", ["1234.56"])):
        order = sale(db, org, owner, "200000.00")
        for day, amount in enumerate(amounts, start=3):
            pay(db, order, amount, f"2026-10-{day:02d}")
    first = settle(db, "2026-10")
    first_lines = first.lines(db)
    second = settle(db, "2026-10", existing=first)
    assert second.lines(db) == first_lines and len(first_lines) == 3
    assert published_run(db, first.settlement_id) == 2
    with db.session() as session:
        runs = set(
            session.scalars(select(CommissionLine.run).where(CommissionLine.settlement_id == first.settlement_id))
        )
    assert runs == {2}


def test_company_months_decide_the_period(db: Database, org: OrgFixture) -> None:
    """Paid at 01:00 on 1 November in China is still 31 October in UTC: it belongs to November."""
    save_plan(db, org)
    order = sale(db, org, "sales_south", "1000.00")
    with db.session() as session:
        session.add(Payment(order_id=order, kind="payment", amount=100, paid_at=at("2026-11-01", hour=1)))
    assert settle(db, "2026-10").lines(db) == []
