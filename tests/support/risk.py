"""Records crafted for the risk rules: customers, contacts, orders and complaints placed in time.

Rows are written directly (as an import or the demo would), so a test can put an interaction a
minute inside or outside a rule's window.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from store.db import Database
from store.models import Complaint, Customer, Interaction, Order
from tests.support.customers import PROFILE
from tests.support.org import OrgFixture

ZONE = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # a Tuesday, 10:00 in the company


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A company-time moment as UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=ZONE).astimezone(UTC)


class Books:
    """Writes one test's records; ``now`` is the moment the rules will judge."""

    def __init__(self, db: Database, org: OrgFixture, now: datetime = AT) -> None:
        self.db = db
        self.org = org
        self.now = now
        self._names = 0

    def ago(self, days: float = 0, **more: float) -> datetime:
        return self.now - timedelta(days=days, **more)

    def customer(
        self, owner: str | None, *, team: str | None = "south", name: str | None = None, created_days_ago: float = 400
    ) -> int:
        self._names += 1
        with self.db.session() as session:
            row = Customer(
                name=name or f"测试客户{self._names}号",
                owner_id=self.org[owner] if owner else None,
                team_id=self.org.team_ids[team] if team else None,
                created_at=self.ago(created_days_ago),
                **PROFILE,
            )
            session.add(row)
            session.flush()
            return row.id

    def contacts(self, employee: str, customer_id: int, times: Iterable[datetime], *, by_owner: bool = True) -> None:
        with self.db.session() as session:
            session.add_all(
                Interaction(
                    customer_id=customer_id,
                    employee_id=self.org[employee],
                    channel="phone",
                    summary="电话回访",
                    occurred_at=at,
                    by_owner=by_owner,
                )
                for at in times
            )

    def weekly_contacts(self, employee: str, customer_id: int, per_week: list[int]) -> None:
        """``per_week[0]`` contacts in the last 7 days, ``per_week[1]`` in the week before, …"""
        times = [self.ago(7 * week + 1 + index * 0.5) for week, count in enumerate(per_week) for index in range(count)]
        self.contacts(employee, customer_id, times)

    def order(self, customer_id: int, owner: str, total: str, at: datetime, status: str = "approved") -> int:
        with self.db.session() as session:
            row = Order(
                customer_id=customer_id,
                owner_id=self.org[owner],
                status=status,
                total=Decimal(total),
                requested_date=date(2026, 1, 1),
                created_at=at,
            )
            session.add(row)
            session.flush()
            return row.id

    def complaints(self, customer_id: int, times: Iterable[datetime]) -> None:
        with self.db.session() as session:
            session.add_all(
                Complaint(
                    customer_id=customer_id, recorded_by=self.org["manager_south"], summary="货物破损", occurred_at=at
                )
                for at in times
            )
