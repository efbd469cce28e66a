"""Two people moving one customer at once: the first move stands, the second is refused with 409
``customer_moved`` (never applied over an owner its author did not see), and the ownership history
shows one move away from the old owner."""

from __future__ import annotations

from sqlalchemy import select

from schemas.customers import CustomerMoved
from store.db import Database
from store.models import Customer, OwnershipChange
from store.repo.customers import records as customer_repo
from store.repo.customers.visibility import Viewer
from tests.support.customers import make_customers
from tests.support.org import OrgFixture


def test_a_move_over_an_owner_its_author_never_saw_is_refused(db: Database, org: OrgFixture) -> None:
    customers = make_customers(db, org)
    head = Viewer(id=org["head"], roles=frozenset({"department_head"}), team_id=None)
    manager = Viewer(id=org["manager_south"], roles=frozenset({"sales_manager"}), team_id=org.team_ids["south"])
    with db.session() as late:
        seen = late.get(Customer, customers.own)  # the manager's page shows 张伟 as the owner
        assert seen is not None and seen.owner_id == org["sales_south"]
        with db.session() as first:
            customer_repo.reassign(
                first, actor=head, customer_ids=[customers.own], to_owner_id=org["sales_south2"], reason="总部调整"
            )
        try:
            customer_repo.reassign(
                late, actor=manager, customer_ids=[customers.own], to_owner_id=org["manager_south"], reason="团队内调整"
            )
        except CustomerMoved:
            late.rollback()
        else:
            raise AssertionError("the second move went over the first")
    with db.session() as session:
        assert session.get(Customer, customers.own).owner_id == org["sales_south2"]  # type: ignore[union-attr]
        moves = list(session.scalars(select(OwnershipChange).where(OwnershipChange.customer_id == customers.own)))
        assert [(m.from_owner_id, m.to_owner_id) for m in moves] == [(org["sales_south"], org["sales_south2"])]


async def test_two_reassignments_over_http_at_once_one_wins(api, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    customers = make_customers(db, org)
    head, manager = await api("head"), await api("manager_south")
    answers = await asyncio.gather(
        head.post(f"/api/customers/{customers.own}/reassign", json={"owner_id": org["sales_south2"], "reason": "甲"}),
        manager.post(
            f"/api/customers/{customers.own}/reassign", json={"owner_id": org["sales_south2"], "reason": "乙"}
        ),
    )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses in ([200, 200], [200, 409]), statuses
    with db.session() as session:
        moves = list(session.scalars(select(OwnershipChange).where(OwnershipChange.customer_id == customers.own)))
        froms = [m.from_owner_id for m in moves]
        assert froms.count(org["sales_south"]) == 1, "never two moves away from the same owner"
