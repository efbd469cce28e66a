"""Customers, orders and contacts around 2025Q4 with figures worked out by hand.

Times are Shanghai times (the company's). Approved orders created in 2025Q4 of customers still
on the books: 佛山美达 1,000.00 (at 00:00 on 1 October, the first instant) + 2,000.50 (23:30 on
31 December), 东莞恒通 1,500.25, the pool's 中山创新 500.00, 杭州优选 4,000.00: ¥9,000.75 in all.
Left out: 佛山美达's 5,000.00 at 00:30 on 1 January (2026Q1; the same UTC day as the 23:30 one) and
its 700.00 at 23:59 on 30 September, 东莞恒通's pending and rejected orders, and the deleted
customer's 3,000.00. 温州新锐 was created in 2026 and is not in 2025Q4's figures.

Contacts in 2025Q4: only 佛山美达's. 东莞恒通 has only a correction in the quarter (its last
real contact is 1 August), 杭州优选's last one is 23:30 on 30 September (another at 00:10 on
1 January is too late), 宁波远航 was never contacted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from store.db import Database
from store.models import Customer, Interaction, Order
from tests.support.org import OrgFixture

SHANGHAI = ZoneInfo("Asia/Shanghai")
QUARTER = "2025Q4"


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time as the UTC instant the database keeps."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@dataclass
class ReportData:
    db: Database
    ids: dict[str, int]  # customer key → id

    def __getitem__(self, key: str) -> int:
        return self.ids[key]


CUSTOMERS = {
    # key: name, owner, team, region, industry, size
    "meida": ("佛山美达电器有限公司", "sales_south", "south", "华南", "工业", "large"),
    "hengtong": ("东莞恒通五金制品厂", "sales_south2", "south", "华南", "工业", "medium"),
    "pool": ("中山创新塑胶有限公司", None, "south", "华南", "工业", "small"),
    "youxuan": ("杭州优选百货有限公司", "sales_east", "east", "华东", "零售", "large"),
    "yuanhang": ("宁波远航贸易有限公司", "sales_east", "east", "华东", "零售", "small"),
    "deleted": ("已删除的客户", "sales_south", "south", "华南", "工业", "large"),
    "newer": ("温州新锐鞋业有限公司", "sales_east", "east", "华东", "零售", "medium"),
}


def make_report_data(db: Database, org: OrgFixture) -> ReportData:
    with db.session() as session:
        rows: dict[str, Customer] = {}
        for key, (name, owner, team, region, industry, size) in CUSTOMERS.items():
            rows[key] = Customer(
                name=name,
                owner_id=org[owner] if owner else None,
                team_id=org.team_ids[team],
                region=region,
                industry=industry,
                size=size,
                created_at=local(2026, 2, 1) if key == "newer" else local(2025, 6, 1),
                deleted_at=local(2025, 12, 1) if key == "deleted" else None,
            )
        session.add_all(rows.values())
        session.flush()

        def order(key: str, total: str, at: datetime, status: str = "approved") -> None:
            owner = CUSTOMERS[key][1] or "sales_south"
            session.add(
                Order(
                    customer_id=rows[key].id,
                    owner_id=org[owner],
                    status=status,
                    total=Decimal(total),
                    requested_date=at.astimezone(SHANGHAI).date(),
                    created_at=at,
                )
            )

        order("meida", "1000.00", local(2025, 10, 1, 0, 0))
        order("meida", "2000.50", local(2025, 12, 31, 23, 30))
        order("meida", "5000.00", local(2026, 1, 1, 0, 30))
        order("meida", "700.00", local(2025, 9, 30, 23, 59))
        order("hengtong", "1500.25", local(2025, 11, 15))
        order("hengtong", "9999.00", local(2025, 11, 16), status="pending_approval")
        order("hengtong", "8888.00", local(2025, 11, 17), status="rejected")
        order("pool", "500.00", local(2025, 11, 1))
        order("youxuan", "4000.00", local(2025, 10, 20))
        order("youxuan", "1200.00", local(2025, 3, 10))
        order("youxuan", "10000.00", local(2024, 12, 31, 23, 0))  # before the trailing window
        order("deleted", "3000.00", local(2025, 11, 20))

        def contact(key: str, at: datetime, corrects: int | None = None) -> int:
            owner = CUSTOMERS[key][1] or "sales_south"
            row = Interaction(
                customer_id=rows[key].id,
                employee_id=org[owner],
                channel="phone",
                summary="电话回访",
                occurred_at=at,
                corrects_id=corrects,
            )
            session.add(row)
            session.flush()
            return row.id

        contact("meida", local(2025, 11, 5))
        first = contact("hengtong", local(2025, 8, 1))
        contact("hengtong", local(2025, 11, 2), corrects=first)
        contact("youxuan", local(2025, 9, 30, 23, 30))
        contact("youxuan", local(2026, 1, 1, 0, 10))
        return ReportData(db, {key: row.id for key, row in rows.items()})


def last_contact_day(value: str | None) -> date | None:
    """An API time as the company's date."""
    return datetime.fromisoformat(value).astimezone(SHANGHAI).date() if value else None
