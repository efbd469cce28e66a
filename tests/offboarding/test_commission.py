"""A leaver's commission on an order still owed waits for the money: held in the month the money
came in while they were handing over, held again for money that came in after they left, and
released only in the month the order is paid in full."""

from __future__ import annotations

from sqlalchemy import select

from store.db import Database
from store.models import CommissionStatement, Employee, Offboarding
from store.repo.offboarding import checklist as handover
from tests.support.commission import pay, sale, save_plan, settle, start_offboarding
from tests.support.org import OrgFixture


def held_fen(db: Database, settlement_id: int, run: int, employee_id: int) -> tuple[int, int]:
    with db.session() as session:
        row = session.scalars(
            select(CommissionStatement).where(
                CommissionStatement.settlement_id == settlement_id,
                CommissionStatement.run == run,
                CommissionStatement.employee_id == employee_id,
            )
        ).one()
        return row.gross_fen, row.held_fen


def test_a_leavers_commission_on_a_half_paid_order_is_held_not_earned(db: Database, org: OrgFixture) -> None:
    save_plan(db, org)
    owed = sale(db, org, "sales_south", "10000.00")
    before = pay(db, owed, "1000.00", "2026-08-20")  # settled once the handover has begun
    start_offboarding(db, org, "sales_south", "2026-09-05")
    while_leaving = pay(db, owed, "1500.00", "2026-09-10")
    with db.session() as session:  # HR confirms the departure, as the process does
        case = session.scalars(select(Offboarding).where(Offboarding.employee_id == org["sales_south"])).one()
        handover.complete(session, case, org["hr"], "交接完成")
        person = session.get(Employee, org["sales_south"])
        assert person is not None and person.status == "departed"
    after_leaving = pay(db, owed, "2500.00", "2026-10-12")  # half paid now, the rest still owed

    august = settle(db, "2026-08", lock=True)
    assert august.lines(db) == [(before, "held", "1000.00", "20.00", None)], (
        "settled while she is leaving, on an order still owed: held, not paid out"
    )
    september = settle(db, "2026-09", lock=True)
    assert september.lines(db) == [(while_leaving, "held", "1500.00", "30.00", None)]
    october = settle(db, "2026-10", lock=True)
    assert october.lines(db) == [(after_leaving, "held", "2500.00", "50.00", None)], "not earned: still owed"
    assert held_fen(db, october.settlement_id, october.run, org["sales_south"]) == (5000, 5000), "nothing paid out"

    rest = pay(db, owed, "5000.00", "2026-11-05")
    november = settle(db, "2026-11")
    assert november.lines(db) == [
        (rest, "earned", "5000.00", "100.00", None),
        (before, "released", "0.00", "20.00", None),
        (while_leaving, "released", "0.00", "30.00", None),
        (after_leaving, "released", "0.00", "50.00", None),
    ]
