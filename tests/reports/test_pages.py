"""The customer distribution page: its charts, tables, the customers without follow-up with links
to their pages, the quarter picker, the downloads, who may open it, and how it looks on a phone."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest
from openpyxl import load_workbook

from store.db import Database
from tests.orders.test_browser import log_in
from tests.orders.test_pages import login_as
from tests.support.customer_report import QUARTER, ReportData, make_report_data
from tests.support.org import OrgFixture

PATH = f"/reports/customers?quarter={QUARTER}"


@pytest.fixture
def data(db: Database, org: OrgFixture) -> ReportData:
    return make_report_data(db, org)


def section(html: str, element_id: str) -> str:
    found = re.search(rf'<section[^>]*id="{element_id}".*?</section>', html, re.S)
    assert found, element_id
    return found.group(0)


async def test_the_report_page_draws_charts_tables_and_the_silent_customers(
    anonymous: httpx.AsyncClient, data: ReportData
) -> None:
    await login_as(anonymous, "head")
    page = await anonymous.get(PATH)
    assert page.status_code == 200
    html = page.text
    assert "客户分布 · 2025Q4" in html and "2025-10-01 至 2025-12-31" in html
    assert html.count('<svg class="chart chart-bars" role="img"') == 8, "five dimensions and three concentration charts"
    assert "<script" not in section(html, "by-team")
    team = section(html, "by-team")
    assert 'aria-label="各团队营收"' in team and "<title>各团队营收</title>" in team
    assert "<title>华南区工业客户团队: ¥5,000.75 · 55.56%</title>" in team, "each bar names itself and its value"
    assert '<td class="num">¥5,000.75</td>' in team and "55.56%" in team
    owners = section(html, "by-owner")
    assert "公海" in owners and "张伟" in owners and "33.34%" in owners
    assert "大型" in section(html, "by-size")
    figures = html.split('id="report-figures"', 1)[1].split("</p>", 1)[0]
    assert all(text in figures for text in ("¥9,000.75", ">5<", ">4<", ">3<")), "customers, ordered, silent"
    concentration = section(html, "concentration")
    assert "100.00%" in concentration and "44.44%" in concentration
    assert "阈值 15%" in concentration and 'stroke-dasharray="4 3"' in concentration, "the 15% line on the chart"
    assert concentration.count("超过阈值") == 2 and "2025-01-01 至 2025-12-31" in concentration
    assert f'href="/customers/{data["youxuan"]}"' in concentration
    silent = section(html, "no-follow-up")
    assert "未跟进客户 (3)" in silent
    names = re.findall(r'<tr data-customer="(\d+)">', silent)
    assert names == [str(data[key]) for key in ("yuanhang", "hengtong", "youxuan")], "silent longest first"
    assert f'<a href="/customers/{data["yuanhang"]}">宁波远航贸易有限公司</a>' in silent
    assert "从未联系" in silent and "2025-08-01" in silent and "2025-09-30" in silent
    assert 'href="?quarter=2025Q3"' in html and 'href="?quarter=2026Q1"' in html
    assert f'href="/reports/customers.csv?quarter={QUARTER}"' in html
    assert f'href="/reports/customers.xlsx?quarter={QUARTER}"' in html
    assert '<a href="/reports/customers" aria-current="page">报表</a>' in html


async def test_the_downloads_work_with_the_session_cookie(anonymous: httpx.AsyncClient, data: ReportData) -> None:
    await login_as(anonymous, "manager_south")
    page = await anonymous.get(PATH)
    link = re.search(r'href="(/reports/customers\.csv\?quarter=2025Q4)"', page.text)
    assert link
    exported = await anonymous.get(link.group(1))
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert ["张伟", "1", "1", "3000.50", "60.00"] in rows and not any("王芳" in row for row in rows)
    workbook = await anonymous.get(f"/reports/customers.xlsx?quarter={QUARTER}")
    assert workbook.status_code == 200
    assert "按团队" in load_workbook(io.BytesIO(workbook.content)).sheetnames


async def test_a_manager_sees_their_team_and_the_quarter_pages(anonymous: httpx.AsyncClient, data: ReportData) -> None:
    await login_as(anonymous, "manager_south")
    page = await anonymous.get(PATH)
    assert page.status_code == 200
    assert "华南区工业客户团队" in page.text and "杭州优选" not in page.text and "王芳" not in page.text
    silent = section(page.text, "no-follow-up")
    assert "未跟进客户 (1)" in silent and "东莞恒通五金制品厂" in silent
    current = await anonymous.get("/reports/customers")
    assert current.status_code == 200 and 'id="next-quarter"' not in current.text, "no link into the future"
    later = await anonymous.get("/reports/customers?quarter=2999Q1")
    assert later.status_code == 422 and "该季度尚未开始" in later.text
    malformed = await anonymous.get("/reports/customers?quarter=2025-10")
    assert malformed.status_code == 422 and "季度的格式为 YYYYQn" in malformed.text


async def test_an_empty_quarter_says_so(anonymous: httpx.AsyncClient, data: ReportData) -> None:
    await login_as(anonymous, "admin")
    page = await anonymous.get("/reports/customers?quarter=2024Q2")
    assert page.status_code == 200
    assert "没有可显示的数据" in section(page.text, "by-team") and "没有客户。" in section(page.text, "by-team")
    assert "本季度每个已分配客户都有沟通记录。" in section(page.text, "no-follow-up")


@pytest.mark.parametrize("username", ["sales_south", "finance", "hr"])
async def test_others_neither_see_the_entry_nor_open_the_page(
    anonymous: httpx.AsyncClient, data: ReportData, username: str
) -> None:
    await login_as(anonymous, username)
    home = await anonymous.get("/")
    assert 'href="/reports/customers"' not in home.text
    assert (await anonymous.get(PATH)).status_code == 403
    assert (await anonymous.get(f"/reports/customers.csv?quarter={QUARTER}")).status_code == 403


async def test_anonymous_is_sent_to_log_in(anonymous: httpx.AsyncClient, data: ReportData) -> None:
    answer = await anonymous.get(PATH)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=/reports/customers")


@pytest.mark.browser
async def test_on_a_phone_the_charts_fit_the_screen(page, live_server: str, data: ReportData) -> None:  # type: ignore[no-untyped-def]
    await log_in(page, live_server, "head", PATH)
    charts = page.get_by_role("img", name="各团队营收")
    await charts.wait_for()
    box = await charts.bounding_box()
    assert box is not None and 0 < box["width"] <= 390 and box["height"] > 20
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390, "nothing sticks out sideways"
    await page.get_by_role("link", name="宁波远航贸易有限公司").click()
    await page.wait_for_url(f"{live_server}/customers/{data['yuanhang']}")
