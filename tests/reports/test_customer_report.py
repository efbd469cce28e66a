"""The quarterly customer distribution report: exact figures from crafted data (counts, revenue,
shares to the cent, quarter edges in company time), who sees what, refusals, and the exports.

The data (tests/support/customer_report.py) puts ¥9,000.75 of approved orders in 2025Q4."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from schemas.alerts import AlertRule, RevenueConcentration
from schemas.kernel.errors import Forbidden
from schemas.reports import CustomerDistribution, Dimension, InvalidQuarter, Quarter, QuarterNotBegun
from store.db import Database
from store.models import AuditEntry, Employee
from store.repo.alerts import rules as risk_rules
from store.repo.customers.visibility import Viewer
from store.repo.reports.customers import customer_distribution
from tests.support.customer_report import QUARTER, ReportData, last_contact_day, local, make_report_data
from tests.support.org import OrgFixture

NOW = local(2026, 11, 24)  # 2026Q4 is under way
TZ = "Asia/Shanghai"


@pytest.fixture
def data(db: Database, org: OrgFixture) -> ReportData:
    return make_report_data(db, org)


def viewer(db: Database, username: str) -> Viewer:
    with db.session() as session:
        person = session.scalars(select(Employee).where(Employee.username == username)).one()
        return Viewer(id=person.id, roles=frozenset(person.roles), team_id=person.team_id)


def report(db: Database, username: str, quarter: str = QUARTER, **options: Any) -> CustomerDistribution:
    with db.session() as session:
        return customer_distribution(session, viewer(db, username), quarter, timezone=TZ, now=NOW, **options)


def table(found: CustomerDistribution, dimension: Dimension) -> list[tuple[Any, ...]]:
    return [
        (row.label, row.customers, row.ordered, str(row.revenue), str(row.share_pct))
        for row in found.distribution(dimension).rows
    ]


# ----------------------------------------------------------------------------- the figures
def test_the_company_quarter_by_every_dimension(data: ReportData) -> None:
    found = report(data.db, "head")
    assert (found.quarter, found.starts_on.isoformat(), found.ends_on.isoformat()) == (
        "2025Q4",
        "2025-10-01",
        "2025-12-31",
    )
    assert (found.customers, found.ordered, found.revenue) == (5, 4, Decimal("9000.75"))
    assert table(found, Dimension.team) == [
        ("华南区工业客户团队", 3, 3, "5000.75", "55.56"),
        ("华东区零售客户团队", 2, 1, "4000.00", "44.44"),
    ]
    assert table(found, Dimension.owner) == [
        ("王芳", 2, 1, "4000.00", "44.44"),
        ("张伟", 1, 1, "3000.50", "33.34"),
        ("李娜", 1, 1, "1500.25", "16.67"),
        ("", 1, 1, "500.00", "5.56"),
    ]
    assert found.distribution(Dimension.owner).rows[-1].key is None, "the unassigned pool is its own row, last"
    assert table(found, Dimension.region) == [("华南", 3, 3, "5000.75", "55.56"), ("华东", 2, 1, "4000.00", "44.44")]
    assert table(found, Dimension.industry) == [("工业", 3, 3, "5000.75", "55.56"), ("零售", 2, 1, "4000.00", "44.44")]
    assert table(found, Dimension.size) == [
        ("large", 2, 2, "7000.50", "77.78"),
        ("medium", 1, 1, "1500.25", "16.67"),
        ("small", 2, 1, "500.00", "5.56"),
    ]
    assert (found.previous_quarter, found.next_quarter) == ("2025Q3", "2026Q1")


def test_quarter_edges_are_company_midnights(data: ReportData) -> None:
    """23:30 on 31 December (Shanghai) is Q4, 00:30 on 1 January is Q1 — both 31 December in UTC."""
    by_owner = {row.label: row.revenue for row in report(data.db, "head", "2026Q1").distribution(Dimension.owner).rows}
    assert by_owner["张伟"] == Decimal("5000.00") and by_owner["王芳"] == Decimal("0.00")
    q3 = report(data.db, "head", "2025Q3")
    assert {row.label: str(row.revenue) for row in q3.distribution(Dimension.owner).rows}["张伟"] == "700.00"
    assert q3.revenue == Decimal("700.00")
    newer = report(data.db, "head", "2026Q1")
    assert newer.customers == 6, "温州新锐, created in February, counts from 2026Q1"


def test_revenue_concentration(data: ReportData) -> None:
    concentration = report(data.db, "head").concentration
    assert [(p.name, str(p.revenue), str(p.share_pct)) for p in concentration.salespeople] == [
        ("王芳", "4000.00", "44.44"),
        ("张伟", "3000.50", "33.34"),
        ("李娜", "1500.25", "16.67"),
    ]
    assert [(c.name, str(c.share_pct)) for c in concentration.top_customers] == [
        ("杭州优选百货有限公司", "44.44"),
        ("佛山美达电器有限公司", "33.34"),
        ("东莞恒通五金制品厂", "16.67"),
        ("中山创新塑胶有限公司", "5.56"),
    ]
    assert concentration.top_customers[0].customer_id == data["youxuan"]
    assert (str(concentration.top10_share_pct), str(concentration.largest_customer_share_pct)) == ("100.00", "44.44")


def test_the_trailing_share_is_the_risk_rules_figure(data: ReportData) -> None:
    """Twelve months to the quarter's end over the whole company's ¥13,900.75 (the deleted
    customer's order and last year's included, as the rule counts them)."""
    trailing = report(data.db, "head").concentration.trailing
    assert (trailing.months, trailing.threshold_pct) == (12, Decimal("15"))
    assert trailing.until == local(2026, 1, 1, 0, 0) and trailing.since == local(2025, 1, 1, 0, 0)
    assert [(p.name, str(p.revenue), str(p.share_pct), p.above_threshold) for p in trailing.salespeople] == [
        ("张伟", "6700.50", "48.20", True),
        ("王芳", "5200.00", "37.41", True),
        ("李娜", "1500.25", "10.79", False),
    ]
    with data.db.session() as session:
        findings = risk_rules.evaluate(
            session, AlertRule.revenue_concentration, RevenueConcentration(), trailing.until, TZ
        )
    assert {owner: finding["share_pct"] for owner, finding in findings.items()} == {
        p.employee_id: str(p.share_pct) for p in trailing.salespeople if p.above_threshold
    }


def test_customers_without_follow_up_longest_silent_first(data: ReportData, org: OrgFixture) -> None:
    silent = report(data.db, "head").no_follow_up
    assert silent.count == 3 and (silent.page, silent.pages) == (1, 1)
    assert [
        (
            c.name,
            c.owner_name,
            c.team_name,
            last_contact_day(c.last_contact_at.isoformat()) if c.last_contact_at else None,
        )
        for c in silent.customers
    ] == [
        ("宁波远航贸易有限公司", "王芳", "华东区零售客户团队", None),
        ("东莞恒通五金制品厂", "李娜", "华南区工业客户团队", datetime(2025, 8, 1).date()),
        ("杭州优选百货有限公司", "王芳", "华东区零售客户团队", datetime(2025, 9, 30).date()),
    ]
    assert silent.customers[0].owner_id == org["sales_east"] and silent.customers[0].customer_id == data["yuanhang"]
    second = report(data.db, "head", per_page=2, page=2).no_follow_up
    assert (second.count, second.page, second.pages, [c.name for c in second.customers]) == (
        3,
        2,
        2,
        ["杭州优选百货有限公司"],
    )
    assert report(data.db, "head", per_page=2, page=99).no_follow_up.page == 2, "past the end shows the last page"


def test_a_manager_sees_only_their_team(data: ReportData) -> None:
    found = report(data.db, "manager_south")
    assert (found.customers, found.ordered, str(found.revenue)) == (3, 3, "5000.75")
    assert table(found, Dimension.owner) == [
        ("张伟", 1, 1, "3000.50", "60.00"),
        ("李娜", 1, 1, "1500.25", "30.00"),
        ("", 1, 1, "500.00", "10.00"),
    ]
    assert [row.label for row in found.distribution(Dimension.team).rows] == ["华南区工业客户团队"]
    assert [c.name for c in found.concentration.top_customers] == [
        "佛山美达电器有限公司",
        "东莞恒通五金制品厂",
        "中山创新塑胶有限公司",
    ]
    assert [p.name for p in found.concentration.trailing.salespeople] == ["张伟", "李娜"]
    assert [c.name for c in found.no_follow_up.customers] == ["东莞恒通五金制品厂"]
    east = report(data.db, "manager_east")
    assert (east.customers, str(east.revenue)) == (2, "4000.00")


def test_an_empty_quarter_is_all_zero(data: ReportData) -> None:
    found = report(data.db, "admin", "2024Q2")
    assert (found.customers, found.ordered, found.revenue) == (0, 0, Decimal("0.00"))
    assert found.distributions[0].rows == [] and found.concentration.top_customers == []
    assert str(found.concentration.largest_customer_share_pct) == "0.00"
    assert found.no_follow_up.count == 0 and found.no_follow_up.pages == 1


@pytest.mark.parametrize("username", ["sales_south", "finance", "hr"])
def test_other_roles_are_refused(data: ReportData, username: str) -> None:
    with pytest.raises(Forbidden):
        report(data.db, username)


@pytest.mark.parametrize("text", ["2025Q5", "2025Q0", "2025-10", "Q4", "1999Q4", "", "２０２５Q4"])
def test_malformed_quarters(text: str) -> None:
    with pytest.raises(InvalidQuarter):
        Quarter.parse(text)


def test_quarter_arithmetic_and_future_quarters(data: ReportData) -> None:
    assert str(Quarter.parse("2026q1").previous) == "2025Q4" and str(Quarter.parse("2025Q4").next) == "2026Q1"
    assert Quarter.parse("2025Q4").bounds(TZ) == (local(2025, 10, 1, 0, 0), local(2026, 1, 1, 0, 0))
    current = report(data.db, "head", "2026Q4")
    assert current.next_quarter is None, "no link to a quarter that has not begun"
    assert current.concentration.trailing.until == NOW
    with pytest.raises(QuarterNotBegun):
        report(data.db, "head", "2027Q1")


# ----------------------------------------------------------------------------- the API
async def test_the_api_answers_json_with_money_as_strings(api, data: ReportData) -> None:  # type: ignore[no-untyped-def]
    head = await api("head")
    answer = await head.get(f"/api/reports/customer-distribution?quarter={QUARTER}")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["quarter"], body["revenue"], body["customers"]) == ("2025Q4", "9000.75", 5)
    team = next(d for d in body["distributions"] if d["dimension"] == "team")
    assert team["rows"][0] == {
        "key": team["rows"][0]["key"],
        "label": "华南区工业客户团队",
        "customers": 3,
        "ordered": 3,
        "revenue": "5000.75",
        "share_pct": "55.56",
    }
    assert body["concentration"]["trailing"]["threshold_pct"] == "15"
    assert body["no_follow_up"]["customers"][0]["name"] == "宁波远航贸易有限公司"
    current = await head.get("/api/reports/customer-distribution")
    assert current.status_code == 200
    assert current.json()["quarter"] == str(Quarter.of(datetime.now(ZoneInfo(TZ)).date())), "the current quarter"


@pytest.mark.parametrize(
    ("quarter", "code"),
    [
        ("2025Q5", "invalid_quarter"),
        ("2025-10", "invalid_quarter"),
        ("2999Q1", "quarter_not_begun"),
        ("x" * 30, "invalid_input"),
    ],
)
async def test_the_api_refuses_bad_quarters(api, data: ReportData, quarter: str, code: str) -> None:  # type: ignore[no-untyped-def]
    head = await api("head")
    for path in ("/api/reports/customer-distribution", "/api/reports/customer-distribution.csv"):
        answer = await head.get(path, params={"quarter": quarter})
        assert answer.status_code == 422
        error = answer.json()["error"]
        assert error["code"] == code and error["message"] and error["details"][0]["field"] == "quarter"


@pytest.mark.parametrize("username", ["sales_south", "finance", "hr"])
async def test_the_api_refuses_other_roles(api, data: ReportData, username: str) -> None:  # type: ignore[no-untyped-def]
    client = await api(username)
    for suffix in ("", ".csv", ".xlsx"):
        answer = await client.get(f"/api/reports/customer-distribution{suffix}?quarter={QUARTER}")
        assert answer.status_code == 403 and answer.json()["error"]["code"] == "forbidden"


def csv_sections(content: bytes) -> dict[str, list[list[str]]]:
    assert content.startswith("\ufeff".encode()), "a BOM so Excel reads Chinese"
    found: dict[str, list[list[str]]] = {}
    block: list[list[str]] = []
    for row in [*csv.reader(io.StringIO(content.decode("utf-8-sig"))), []]:
        if row:
            block.append(row)
        elif block:
            found[block[0][0]] = block[1:]
            block = []
    return found


async def test_the_csv_has_a_section_per_dimension(api, data: ReportData, db: Database) -> None:  # type: ignore[no-untyped-def]
    manager = await api("manager_south")
    answer = await manager.get(f"/api/reports/customer-distribution.csv?quarter={QUARTER}")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert 'filename="customer-distribution-2025Q4.csv"' in answer.headers["content-disposition"]
    found = csv_sections(answer.content)
    assert found["汇总"] == [
        ["季度", "开始日期", "结束日期", "客户", "下单客户", "营收（元）"],
        ["2025Q4", "2025-10-01", "2025-12-31", "3", "3", "5000.75"],
    ]
    assert found["按销售"] == [
        ["销售", "客户", "下单客户", "营收（元）", "营收占比（%）"],
        ["张伟", "1", "1", "3000.50", "60.00"],
        ["李娜", "1", "1", "1500.25", "30.00"],
        ["公海", "1", "1", "500.00", "10.00"],
    ]
    assert found["按规模"][1:] == [
        ["大型", "1", "1", "3000.50", "60.00"],
        ["中型", "1", "1", "1500.25", "30.00"],
        ["小型", "1", "1", "500.00", "10.00"],
    ]
    assert set(found) >= {
        "按团队",
        "按区域",
        "按行业",
        "营收集中",
        "前十大客户",
        "近 12 个月占公司营收比例",
        "未跟进客户",
    }
    assert found["未跟进客户"] == [
        ["客户", "销售", "团队", "最近联系"],
        ["东莞恒通五金制品厂", "李娜", "华南区工业客户团队", "2025-08-01"],
    ]
    assert found["近 12 个月占公司营收比例"][1] == ["张伟", "6700.50", "48.20", "是"]
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "customer_report.export")).one()
        assert (entry.entity_id, entry.detail["format"]) == ("2025Q4", "csv")


async def test_the_xlsx_has_a_sheet_per_dimension(api, data: ReportData) -> None:  # type: ignore[no-untyped-def]
    head = await api("head")
    answer = await head.get(
        f"/api/reports/customer-distribution.xlsx?quarter={QUARTER}", headers={"Accept-Language": "en"}
    )
    assert answer.status_code == 200 and "spreadsheetml" in answer.headers["content-type"]
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames[:6] == ["Summary", "By team", "By salesperson", "By region", "By industry", "By size"]
    rows = [list(row) for row in book["By salesperson"].iter_rows(values_only=True)]
    assert rows[0] == ["Salesperson", "Customers", "Customers who ordered", "Revenue (CNY)", "Share of revenue (%)"]
    assert rows[1:] == [
        ["王芳", 2, 1, 4000, 44.44],
        ["张伟", 1, 1, 3000.5, 33.34],
        ["李娜", 1, 1, 1500.25, 16.67],
        ["Unassigned pool", 1, 1, 500, 5.56],
    ]
    silent = [list(row) for row in book["Customers without follow-up"].iter_rows(values_only=True)]
    assert [row[0] for row in silent[1:]] == ["宁波远航贸易有限公司", "东莞恒通五金制品厂", "杭州优选百货有限公司"]
    assert silent[1][3] == "Never contacted" and silent[2][3].date().isoformat() == "2025-08-01"
