"""Each risk rule with data placed just inside and just outside its threshold.

The rules judge one moment (``AT``, 10:00 company time on Tuesday 24 November 2026); every record
is placed relative to it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from schemas.alerts import (
    AlertRule,
    ContactDrop,
    CustomerSilent,
    OrdersDeclining,
    RepeatedComplaints,
    RevenueConcentration,
    Thresholds,
    UnassignedContacts,
)
from store.db import Database
from store.repo.alerts import records as alerts
from store.repo.alerts.rules import Findings, evaluate
from tests.support.org import OrgFixture
from tests.support.risk import AT, Books, local


def found(db: Database, rule: AlertRule, thresholds: Thresholds) -> Findings:
    with db.session() as session:
        return evaluate(session, rule, thresholds, AT, "Asia/Shanghai")


@pytest.fixture
def books(db: Database, org: OrgFixture) -> Books:
    return Books(db, org)


# ----------------------------------------------------------------------------- contact_drop
@pytest.mark.parametrize(
    ("per_week", "raised"),
    [
        ([1, 5, 5, 5, 5], True),  # baseline exactly 5 a week, down to 1
        ([2, 5, 5, 5, 5], False),  # down to 2: above "≤ 1"
        ([0, 5, 5, 5, 4], False),  # baseline 4.75 a week: never was busy enough
        ([0, 8, 2, 6, 4], True),  # an average, not every week
    ],
)
def test_contact_drop_at_its_threshold(
    db: Database, org: OrgFixture, books: Books, per_week: list[int], raised: bool
) -> None:
    customer = books.customer("sales_south")
    books.weekly_contacts("sales_south", customer, per_week)
    findings = found(db, AlertRule.contact_drop, ContactDrop())
    assert (org["sales_south"] in findings) is raised
    if raised:
        weeks = findings[org["sales_south"]]["weeks"]
        assert len(weeks) == 12 and [w["count"] for w in weeks[-5:]] == per_week[::-1]
        assert weeks[-1]["week_from"] == "2026-11-17"  # the last 7 days, labelled by their first company day


def test_contact_drop_counts_the_week_to_the_minute_and_only_salespeople(
    db: Database, org: OrgFixture, books: Books
) -> None:
    customer = books.customer("sales_south")
    books.weekly_contacts("sales_south", customer, [0, 6, 6, 6, 6])
    books.contacts("sales_south", customer, [AT - timedelta(days=7), AT - timedelta(days=7, minutes=-1)])
    assert org["sales_south"] not in found(db, AlertRule.contact_drop, ContactDrop())  # two in the week: 2 > 1
    books.weekly_contacts("manager_south", customer, [0, 6, 6, 6, 6])
    assert found(db, AlertRule.contact_drop, ContactDrop(drop_to=2)).keys() == {org["sales_south"]}


# ----------------------------------------------------------------------------- orders_declining
@pytest.mark.parametrize(
    ("values", "raised"),
    [
        (["10000", "9000", "8000", "8000.00"], False),  # flat in October: not three falls
        (["10000", "9000", "8000", "7999.99"], True),
        (["10000", "9500", "9000", "8000.01"], False),  # 19.9999 % down: under the 20 % asked for
        (["10000", "9500", "9000", "8000.00"], True),  # exactly 20 % down
        (["0", "0", "0", "0"], False),
    ],
)
def test_orders_declining_three_months_in_a_row(
    db: Database, org: OrgFixture, books: Books, values: list[str], raised: bool
) -> None:
    customer = books.customer("sales_south")
    for month, value in zip((7, 8, 9, 10), values, strict=True):
        if Decimal(value):
            books.order(customer, "sales_south", value, local(2026, month, 15))
    books.order(customer, "sales_south", "50000", local(2026, 10, 20), status="rejected")  # not business
    books.order(customer, "sales_south", "1", local(2026, 11, 20))  # this month is not complete: not judged
    findings = found(db, AlertRule.orders_declining, OrdersDeclining())
    assert (customer in findings) is raised
    if raised:
        assert findings[customer]["months"] == [
            {"month": f"2026-{m:02d}", "value": f"{Decimal(v):.2f}"} for m, v in zip((7, 8, 9, 10), values, strict=True)
        ]


def test_orders_declining_uses_company_months(db: Database, org: OrgFixture, books: Books) -> None:
    customer = books.customer("sales_south")
    for month, value in ((7, "10000"), (8, "9000"), (9, "8000")):
        books.order(customer, "sales_south", value, local(2026, month, 10))
    books.order(customer, "sales_south", "7000", local(2026, 10, 31, 23, 30))  # still October in China
    assert customer in found(db, AlertRule.orders_declining, OrdersDeclining())
    books.order(customer, "sales_south", "1500", local(2026, 9, 30, 23, 59))  # September now 9500: not falling
    assert customer not in found(db, AlertRule.orders_declining, OrdersDeclining())
    assert customer in found(db, AlertRule.orders_declining, OrdersDeclining(months=1))  # Oct below Sep


# ----------------------------------------------------------------------------- repeated_complaints
def test_repeated_complaints_within_sixty_days(db: Database, books: Books) -> None:
    inside, outside = books.customer("sales_south"), books.customer("sales_south")
    books.complaints(inside, [AT - timedelta(days=60), AT - timedelta(days=3)])  # the window's first instant
    books.complaints(outside, [AT - timedelta(days=60, seconds=1), AT - timedelta(days=3)])
    findings = found(db, AlertRule.repeated_complaints, RepeatedComplaints())
    assert set(findings) == {inside}
    assert findings[inside]["count"] == 2 and [c["summary"] for c in findings[inside]["complaints"]] == ["货物破损"] * 2
    assert set(found(db, AlertRule.repeated_complaints, RepeatedComplaints(min_complaints=3))) == set()
    assert set(found(db, AlertRule.repeated_complaints, RepeatedComplaints(days=61))) == {inside, outside}


# ----------------------------------------------------------------------------- unassigned_contacts
@pytest.mark.parametrize(("contacts", "raised"), [(5, False), (6, True)])
def test_contacts_with_others_customers(
    db: Database, org: OrgFixture, books: Books, contacts: int, raised: bool
) -> None:
    theirs = books.customer("sales_south", name="佛山美达电器有限公司")
    pool, own = books.customer(None), books.customer("sales_east", team="east")
    books.contacts("sales_east", theirs, [books.ago(1 + i) for i in range(contacts)], by_owner=False)
    books.contacts("sales_east", theirs, [books.ago(30, seconds=1)], by_owner=False)  # outside the 30 days
    books.contacts("sales_east", pool, [books.ago(2 + i) for i in range(9)], by_owner=False)  # leads: fine
    books.contacts("sales_east", own, [books.ago(2 + i) for i in range(9)])
    findings = found(db, AlertRule.unassigned_contacts, UnassignedContacts())
    assert (org["sales_east"] in findings) is raised
    if raised:
        detail = findings[org["sales_east"]]
        assert detail["count"] == 6 and len(detail["contacts"]) == 6
        assert detail["customers"] == {
            str(theirs): {"customer_name": "佛山美达电器有限公司", "owner_name": "张伟", "count": 6}
        }


# ----------------------------------------------------------------------------- revenue_concentration
@pytest.mark.parametrize(("theirs", "raised"), [("15000.00", False), ("15000.02", True)])
def test_revenue_concentration_over_fifteen_percent(
    db: Database, org: OrgFixture, books: Books, theirs: str, raised: bool
) -> None:
    big, rest = books.customer("sales_south"), books.customer("sales_south2")
    books.order(big, "sales_south", theirs, books.ago(100))
    books.order(rest, "sales_south2", str(Decimal("100000.00") - Decimal(theirs)), books.ago(30))
    books.order(rest, "sales_south2", "900000", local(2025, 11, 24, 9, 59))  # a minute before the 12 months
    books.order(big, "sales_south", "900000", books.ago(10), status="pending_approval")
    findings = found(db, AlertRule.revenue_concentration, RevenueConcentration())
    assert (org["sales_south"] in findings) is raised
    if raised:
        detail = findings[org["sales_south"]]
        assert detail["share_pct"] == "15.00" and detail["company_revenue"] == "100000.00"
        assert detail["top_customers"][0]["customer_id"] == big


# ----------------------------------------------------------------------------- customer_silent
def test_customer_silent_for_ninety_days(db: Database, books: Books) -> None:
    silent, spoken = books.customer("sales_south"), books.customer("sales_south")
    ordered, pool, new = (
        books.customer("sales_south"),
        books.customer(None),
        books.customer("sales_south", created_days_ago=89),
    )
    books.contacts("sales_south", silent, [books.ago(90, seconds=1)])
    books.contacts("sales_south", spoken, [books.ago(90)])
    books.order(ordered, "sales_south", "100", books.ago(30))
    findings = found(db, AlertRule.customer_silent, CustomerSilent())
    assert set(findings) == {silent}
    assert findings[silent]["silent_days"] == 90 and findings[silent]["last_order_at"] is None
    assert pool not in findings and new not in findings
    assert set(found(db, AlertRule.customer_silent, CustomerSilent(days=91))) == set()


def test_thresholds_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="below the baseline"):
        ContactDrop(baseline_min=Decimal("2"), drop_to=2)
    with pytest.raises(ValueError):
        CustomerSilent(days=3)


def test_orders_of_tens_of_millions_are_summed_exactly(db: Database, org: OrgFixture, books: Books) -> None:
    """Beyond ¥21,474,836.47 a 32-bit sum of fen would overflow on PostgreSQL."""
    whale, rest = books.customer("sales_south"), books.customer("sales_south2")
    books.order(whale, "sales_south", "30000000.01", books.ago(40))
    books.order(rest, "sales_south2", "29999999.99", books.ago(40))
    detail = found(db, AlertRule.revenue_concentration, RevenueConcentration())
    assert detail[org["sales_south"]]["company_revenue"] == "60000000.00"
    assert detail[org["sales_south"]]["revenue"] == "30000000.01"


def _scan(db: Database, at: datetime, name: str) -> list[int]:
    """One step of a scan for ``customer_silent`` at ``at``: the alerts it raised."""
    with db.session() as session:
        scan = alerts.begin_scan(session, workflow_id=name, trigger="manual", started_by=None, at=at, rules=1)
        raised = alerts.apply_rule(
            session, scan_id=scan.id, rule=AlertRule.customer_silent, position=0, at=at, timezone="Asia/Shanghai"
        )
        return [alert.alert_id for alert in raised]


def test_an_open_alert_is_marked_while_its_condition_is_gone_and_never_raised_twice(db: Database, books: Books) -> None:
    silent = books.customer("sales_south")
    books.contacts("sales_south", silent, [books.ago(100)])
    [alert_id] = _scan(db, AT, "scan-1")
    assert _scan(db, AT, "scan-1") == [alert_id], "a retried step answers what it raised"
    books.contacts("sales_south", silent, [AT + timedelta(days=1)])  # spoken to again
    assert _scan(db, AT + timedelta(days=2), "scan-2") == []
    with db.session() as session:
        assert alerts.alert(session, alert_id).condition_cleared_at == AT + timedelta(days=2)
    assert _scan(db, AT + timedelta(days=120), "scan-3") == [], "silent again while still open: the same alert"
    with db.session() as session:
        row = alerts.alert(session, alert_id)
        assert row.condition_cleared_at is None and row.status == "open"
