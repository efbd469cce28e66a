"""The risk alert pages: the dashboard's counts, trend and list as each reader may see them, its
filters and paging, one alert with the data behind each rule, acknowledging and resolving it from
its page (the note required, the engine away), and "scan now" with its live progress."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlalchemy import select
from temporalio.worker import Worker

from schemas.alerts import AlertRule, Severity
from schemas.kernel.config import Settings
from store.db import Database
from store.models import Alert
from store.models.base import utcnow
from store.repo.alerts import settings as alert_rules
from tests.alerts.test_scan import crafted
from tests.offboarding.test_pages import section
from tests.orders.test_pages import htmx, login_as
from tests.platform.test_pages import form_token, page_login
from tests.support.alert_pages import (
    every_rule,
    follow_up_task,
    listed,
    raise_now,
    row_of,
    running_scan,
    severity_cards,
    until_finished,
    write_alert,
)
from tests.support.org import PASSWORD, OrgFixture
from tests.support.risk import ZONE, Books
from tests.support.steps import wait_for_task


# ----------------------------------------------------------------------------- the dashboard
async def test_the_dashboard_counts_and_lists_what_each_reader_may_see(
    anonymous: httpx.AsyncClient, db: Database, org: OrgFixture
) -> None:
    now = utcnow()
    every_rule(db, org, now)
    ids = raise_now(db, now)
    await login_as(anonymous, "admin")
    page = await anonymous.get("/alerts")
    assert page.status_code == 200 and "风险预警" in page.text
    assert 'href="/alerts" aria-current="page"' in page.text, "the navigation entry is there and current"
    assert severity_cards(page.text) == {"high": 2, "medium": 3, "low": 1}
    by_team = section(page.text, "by-team")
    assert re.search(r"华南区工业客户团队</a></td><td class=\"num\">4<", by_team)
    assert re.search(r"华东区零售客户团队</a></td><td class=\"num\">2<", by_team)
    assert "<svg" in by_team and "华南区工业客户团队: 4" in by_team, "a bar per team"
    by_rule = section(page.text, "by-rule")
    assert all(
        re.search(rf"{label}</a></td><td class=\"num\">1<", by_rule)
        for label in ("联系骤减", "订单连续下滑", "重复投诉", "联系他人客户", "营收集中", "客户沉默")
    )
    assert sorted(listed(page.text)) == sorted(ids.values()) and "6 条预警" in page.text
    silent = row_of(page.text, ids[AlertRule.customer_silent])
    assert all(
        text in silent for text in ("佛山美达电器有限公司", "客户沉默", "低风险", "待跟进", "华南区工业客户团队")
    )
    assert f'href="/alerts/{ids[AlertRule.customer_silent]}"' in silent
    scan = section(page.text, "scan")
    assert "最近一次扫描" in scan and "每日定时" in scan and ">6</dd>" in scan and "立即扫描" in scan

    await login_as(anonymous, "manager_south")
    south = await anonymous.get("/alerts")
    assert severity_cards(south.text) == {"high": 1, "medium": 2, "low": 1}
    assert sorted(listed(south.text)) == sorted(
        ids[rule]
        for rule in (
            AlertRule.contact_drop,
            AlertRule.orders_declining,
            AlertRule.revenue_concentration,
            AlertRule.customer_silent,
        )
    )
    assert "王芳" not in section(south.text, "alert-table") and "华东区零售客户团队" not in south.text
    assert "立即扫描" not in south.text and ">4</dd>" in section(south.text, "scan"), "their new alerts only"
    east_alert = ids[AlertRule.repeated_complaints]
    assert (await anonymous.get(f"/alerts/{east_alert}")).status_code == 404, "another team's alert is not there"

    await login_as(anonymous, "manager_east")
    east = await anonymous.get("/alerts")
    assert severity_cards(east.text) == {"high": 1, "medium": 1, "low": 0}
    assert sorted(listed(east.text)) == sorted([ids[AlertRule.repeated_complaints], ids[AlertRule.unassigned_contacts]])
    await login_as(anonymous, "head")
    assert len(listed((await anonymous.get("/alerts")).text)) == 6

    for username in ("sales_south", "hr", "finance"):
        await login_as(anonymous, username)
        refused = await anonymous.get("/alerts")
        assert refused.status_code == 403 and "你没有权限执行此操作" in refused.text, username
        assert (await anonymous.get(f"/alerts/{ids[AlertRule.customer_silent]}")).status_code == 403
        assert 'href="/alerts"' not in (await anonymous.get("/")).text, "no navigation entry"


async def test_the_list_filters_and_pages_on_the_server(
    anonymous: httpx.AsyncClient, db: Database, org: OrgFixture
) -> None:
    now = utcnow()
    books = Books(db, org, now=now)
    south, east = org.team_ids["south"], org.team_ids["east"]
    quiet = [
        write_alert(
            db,
            rule=AlertRule.customer_silent,
            subject_id=books.customer("sales_south"),
            team_id=south,
            severity=Severity.low,
            created_at=now - timedelta(hours=hour),
        )
        for hour in range(22)
    ]
    done = write_alert(
        db,
        rule=AlertRule.orders_declining,
        subject_id=books.customer("sales_south"),
        team_id=south,
        severity=Severity.high,
        status="resolved",
        created_at=now - timedelta(days=3),
    )
    seen = write_alert(
        db,
        rule=AlertRule.repeated_complaints,
        subject_id=books.customer("sales_east", team="east"),
        team_id=east,
        status="acknowledged",
        created_at=now - timedelta(days=2),
    )
    working = write_alert(
        db,
        rule=AlertRule.unassigned_contacts,
        subject_id=org["sales_east"],
        team_id=east,
        severity=Severity.high,
        created_at=now - timedelta(days=1),
    )
    await login_as(anonymous, "admin")
    first = await anonymous.get("/alerts")
    assert "24 条预警" in first.text and listed(first.text) == [working, seen, *quiet[:18]], (
        "unresolved, the most severe first, then the newest, 20 a page"
    )
    assert severity_cards(first.text) == {"high": 1, "medium": 1, "low": 22}
    assert "1 / 2" in first.text and 'href="?page=2&amp;status=unresolved"' in first.text
    second = await anonymous.get("/alerts", params={"page": 2})
    assert listed(second.text) == quiet[18:]

    async def shown(**params: str) -> list[int]:
        answer = await anonymous.get("/alerts", params=params)
        assert answer.status_code == 200
        return listed(answer.text)

    assert await shown(status="resolved") == [done]
    assert len(await shown(status="all")) == 20 and "25 条预警" in (await anonymous.get("/alerts?status=all")).text
    assert await shown(rule="repeated_complaints") == [seen]
    assert await shown(severity="high") == [working]
    assert await shown(severity="high", status="all") == [working, done]
    assert await shown(team_id=str(east)) == [working, seen]
    assert await shown(subject_type="employee", subject_id=str(org["sales_east"]), status="all") == [working]
    assert len(await shown(status="bogus", rule="nope", team_id="x")) == 20, "unknown filters are ignored"
    acknowledged = row_of((await anonymous.get("/alerts", params={"rule": "repeated_complaints"})).text, seen)
    assert "已确认" in acknowledged and "中风险" in acknowledged

    fragment = await anonymous.get("/alerts", params={"status": "all", "team_id": str(south)}, headers=htmx(first.text))
    assert "<html" not in fragment.text and fragment.text.lstrip().startswith('<div id="alert-table"')
    assert "23 条预警" in fragment.text and f'href="?page=2&amp;status=all&amp;team_id={south}"' in fragment.text

    await login_as(anonymous, "manager_east")
    own = await anonymous.get("/alerts", params={"status": "all"})
    assert listed(own.text) == [working, seen] and 'name="team_id"' not in own.text, "one team: no team filter"
    assert (
        await shown(team_id=str(south)) == []
        and "没有符合条件的预警。" in (await anonymous.get("/alerts", params={"team_id": str(south)})).text
    )


async def test_one_high_alert_is_not_buried_under_newer_low_ones(
    anonymous: httpx.AsyncClient, db: Database, org: OrgFixture
) -> None:
    now = utcnow()
    books = Books(db, org, now=now)
    south = org.team_ids["south"]
    urgent = write_alert(
        db,
        rule=AlertRule.orders_declining,
        subject_id=books.customer("sales_south"),
        team_id=south,
        severity=Severity.high,
        created_at=now - timedelta(days=5),
    )
    watch = write_alert(
        db,
        rule=AlertRule.contact_drop,
        subject_id=org["sales_south"],
        team_id=south,
        severity=Severity.medium,
        created_at=now - timedelta(days=4),
    )
    quiet = [
        write_alert(
            db,
            rule=AlertRule.customer_silent,
            subject_id=books.customer("sales_south"),
            team_id=south,
            severity=Severity.low,
            created_at=now - timedelta(hours=hour),
        )
        for hour in range(15)
    ]
    await login_as(anonymous, "manager_south")
    assert listed((await anonymous.get("/alerts")).text) == [urgent, watch, *quiet], "high, medium, then low"

    token = (await anonymous.post("/api/login", json={"username": "manager_south", "password": PASSWORD})).json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    listed_by_api = (await anonymous.get("/api/alerts", headers=headers)).json()
    assert [a["id"] for a in listed_by_api] == [urgent, watch, *quiet]
    by_time = (await anonymous.get("/api/alerts", params={"sort": "newest"}, headers=headers)).json()
    assert [a["id"] for a in by_time] == [*quiet, watch, urgent], "newest first when asked"
    refused = await anonymous.get("/api/alerts", params={"sort": "random"}, headers=headers)
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["field"] == "sort"


async def test_the_trend_counts_alerts_raised_per_company_week(
    anonymous: httpx.AsyncClient, db: Database, org: OrgFixture
) -> None:
    now = utcnow()
    south = org.team_ids["south"]
    for subject, (severity, days, status) in enumerate(
        (
            (Severity.high, 0, "open"),
            (Severity.high, 0, "open"),
            (Severity.medium, 0, "acknowledged"),
            (Severity.low, 21, "resolved"),
            (Severity.high, 7 * 13, "resolved"),
        )
    ):
        write_alert(
            db,
            rule=AlertRule.customer_silent,
            subject_id=1000 + subject,
            team_id=south,
            severity=severity,
            status=status,
            created_at=now - timedelta(days=days),
        )
    await login_as(anonymous, "head")
    trend = section((await anonymous.get("/alerts")).text, "trend")
    assert "近 12 周共新增 4 条预警" in trend, "resolved ones count where they were raised; older ones not"
    assert 'class="chart chart-columns"' in trend and "高风险" in trend
    monday = now.astimezone(ZONE).date() - timedelta(days=now.astimezone(ZONE).weekday())
    rows = re.findall(r"<tr><td>([\d-]+)</td>((?:<td class=\"num\">\d+</td>)+)</tr>", trend)
    counts = {day: [int(n) for n in re.findall(r">(\d+)<", cells)] for day, cells in rows}
    assert len(counts) == 12 and min(counts) == (monday - timedelta(weeks=11)).isoformat()
    assert counts[monday.isoformat()] == [2, 1, 0, 3]
    assert counts[(monday - timedelta(weeks=3)).isoformat()] == [0, 0, 1, 1]
    assert sum(total for *_, total in counts.values()) == 4


# ----------------------------------------------------------------------------- one alert
async def test_each_alert_shows_the_data_behind_it(anonymous: httpx.AsyncClient, db: Database, org: OrgFixture) -> None:
    now = utcnow()
    customers = every_rule(db, org, now)
    ids = raise_now(db, now)
    await login_as(anonymous, "head")

    async def figures(rule: AlertRule) -> str:
        page = await anonymous.get(f"/alerts/{ids[rule]}")
        assert page.status_code == 200
        return page.text

    drop = await figures(AlertRule.contact_drop)
    behind = section(drop, "alert-figures")
    assert "联系骤减 · 李娜" in drop and "原本积极联系客户的销售突然沉寂" in drop
    assert "最近 7 天联系客户 1 次" in behind and "此前 4 周平均每周 6 次" in behind
    assert 'class="chart chart-columns"' in behind and "平时水平：每周 6 次" in behind, "the baseline as a line"
    assert len(re.findall(r"<tr(?: class=\"last-week\")?><td>\d{4}-\d\d-\d\d</td>", behind)) == 12
    assert "?status=all&amp;subject_type=employee" in drop, "the person's other alerts"

    falling = section(await figures(AlertRule.orders_declining), "alert-figures")
    assert "下降 30%" in falling and "¥10,000.00" in falling and "¥7,000.00" in falling
    assert 'class="chart chart-columns"' in falling and len(re.findall(r"<td>\d{4}-\d\d</td>", falling)) == 4

    moaning = await figures(AlertRule.repeated_complaints)
    assert f'<a href="/customers/{customers["moaning"]}">杭州优选百货有限公司</a>' in moaning
    complaints = section(moaning, "alert-figures")
    assert "60 天内投诉 2 次" in complaints and complaints.count("货物破损") == 2

    working = section(await figures(AlertRule.unassigned_contacts), "alert-figures")
    assert "30 天内联系其他销售负责的客户 6 次" in working and 'class="chart chart-bars"' in working
    assert re.search(r"广州联达物流有限公司</a></td>\s*<td>张伟</td><td class=\"num\">6<", working)
    assert working.count("<td>电话</td>") == 6 and f'href="/customers/{customers["worked"]}"' in working

    concentrated = section(await figures(AlertRule.revenue_concentration), "alert-figures")
    assert "¥34,000.00" in concentrated and "占 100%，超过阈值 15%" in concentrated
    assert "阈值 15%" in concentrated and "深圳恒通五金有限公司" in concentrated

    silent = section(await figures(AlertRule.customer_silent), "alert-figures")
    assert "已有 120 天没有任何往来" in silent and "规则要求至少每 90 天联系一次" in silent
    assert re.search(r"最近下单</dt><dd>无记录", silent)
    with db.session() as session:
        alert_rules.change(session, AlertRule.customer_silent, {"days": 100}, org["admin"])
    as_raised = section(await figures(AlertRule.customer_silent), "alert-figures")
    assert "规则要求至少每 90 天联系一次" in as_raised, "explained by the thresholds it was raised under"

    with db.session() as session:
        row = session.get(Alert, ids[AlertRule.customer_silent])
        assert row is not None
        row.condition_cleared_at = now + timedelta(minutes=1)
    cleared = await anonymous.get(f"/alerts/{ids[AlertRule.customer_silent]}")
    assert "起已不再成立" in section(cleared.text, "follow-up")
    assert "条件已解除" in row_of((await anonymous.get("/alerts")).text, ids[AlertRule.customer_silent])

    await login_as(anonymous, "manager_east")
    theirs = section((await anonymous.get(f"/alerts/{ids[AlertRule.unassigned_contacts]}")).text, "alert-figures")
    assert "广州联达物流有限公司" in theirs and f'href="/customers/{customers["worked"]}"' not in theirs, (
        "another team's customer is named, not linked"
    )


async def test_a_manager_acknowledges_then_resolves_with_a_note_from_the_page(
    anonymous: httpx.AsyncClient, api, worker: Worker, db: Database, org: OrgFixture
) -> None:  # type: ignore[no-untyped-def]
    ids = crafted(db, org)
    assert (await (await api("admin")).post("/api/alerts/scan")).status_code == 200
    with db.session() as session:
        alert_id = session.scalars(select(Alert.id).where(Alert.subject_id == ids["silent"])).one()
    first = await wait_for_task(db, f"alert-{alert_id}:follow-up")
    await login_as(anonymous, "manager_south")
    page = await anonymous.get(f"/alerts/{alert_id}")
    follow_up = section(page.text, "follow-up")
    assert "等待处理人" in follow_up and "陈杰" in follow_up and "待跟进" in follow_up
    assert 'value="resolve"' in follow_up and 'value="acknowledge"' in follow_up
    assert f'hx-get="/processes/alert-{alert_id}/history"' in page.text, "the process history, collapsed"
    target = f"/alerts/{alert_id}/tasks/{first.id}"

    unexplained = await anonymous.post(target, data={"action": "resolve", "comment": "  "}, headers=htmx(page.text))
    assert unexplained.status_code == 422 and "<html" not in unexplained.text
    assert "请写明采取的措施：解决预警必须填写备注。" in unexplained.text and 'aria-invalid="true"' in unexplained.text
    assert "待跟进" in unexplained.text and 'value="resolve"' in unexplained.text, "nothing recorded, form kept"

    seen = await anonymous.post(
        target, data={"csrf_token": form_token(page.text), "action": "acknowledge", "comment": ""}
    )
    assert seen.status_code == 303 and seen.headers["location"] == f"/alerts/{alert_id}", "a plain form works too"
    acknowledged = section((await anonymous.get(f"/alerts/{alert_id}")).text, "follow-up")
    assert "已确认" in acknowledged and "陈杰 · " in acknowledged

    second = await wait_for_task(db, f"alert-{alert_id}:resolve")
    ready = await anonymous.get(f"/alerts/{alert_id}/follow-up", headers=htmx(page.text))
    assert 'value="resolve"' in ready.text and 'value="acknowledge"' not in ready.text
    note = "已拜访，客户下月下单"
    done = await anonymous.post(
        f"/alerts/{alert_id}/tasks/{second.id}", data={"action": "resolve", "comment": note}, headers=htmx(page.text)
    )
    assert done.status_code == 200 and "已解决。感谢您的跟进。" in done.text
    assert note in done.text and 'id="alert-status">已解决' in done.text and 'name="action"' not in done.text
    again = await anonymous.post(
        f"/alerts/{alert_id}/tasks/{second.id}", data={"action": "resolve", "comment": note}, headers=htmx(page.text)
    )
    assert again.status_code == 409 and "该任务已关闭" in again.text

    assert alert_id not in listed((await anonymous.get("/alerts")).text)
    assert alert_id in listed((await anonymous.get("/alerts", params={"status": "resolved"})).text)
    await login_as(anonymous, "manager_east")
    assert (
        await anonymous.post(
            target, data={"action": "acknowledge"}, headers=htmx((await anonymous.get("/alerts")).text)
        )
    ).status_code == 404


async def test_the_engine_away_is_said_at_the_form_and_nothing_is_recorded(
    settings: Settings, db: Database, org: OrgFixture
) -> None:
    from web.app import create_app

    alert_id = write_alert(
        db,
        rule=AlertRule.contact_drop,
        subject_id=org["sales_south"],
        team_id=org.team_ids["south"],
        created_at=utcnow(),
        assignee_id=org["manager_south"],
    )
    task_id = follow_up_task(db, alert_id, org["manager_south"])
    nowhere = settings.temporal.__class__(**{**settings.temporal.__dict__, "address": "127.0.0.1:1"})
    app = create_app(settings.with_changes(temporal=nowhere, action_timeout=1.0), db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://baton.test") as client:
        await page_login(client, "manager_south")
        page = await client.get(f"/alerts/{alert_id}")
        answer = await client.post(
            f"/alerts/{alert_id}/tasks/{task_id}",
            data={"action": "resolve", "comment": "已电话沟通"},
            headers=htmx(page.text),
        )
    assert answer.status_code == 503 and "未记录：流程引擎未响应，请重试。" in answer.text
    assert "已电话沟通" in answer.text, "what was typed is kept for the retry"
    with db.session() as session:
        row = session.get(Alert, alert_id)
        assert row is not None and row.status == "open"


# ----------------------------------------------------------------------------- scan now
async def test_scan_now_shows_its_progress_then_the_new_alerts(
    anonymous: httpx.AsyncClient, worker: Worker, db: Database, org: OrgFixture
) -> None:
    crafted(db, org)
    await login_as(anonymous, "admin")
    page = await anonymous.get("/alerts")
    assert "还没有运行过扫描" in page.text and "立即扫描" in section(page.text, "scan")
    started = await anonymous.post("/alerts/scan", headers=htmx(page.text))
    assert started.status_code == 200 and "<html" not in started.text
    poll = re.search(r'hx-get="(/alerts/scans/risk-scan-[^"]+)" hx-trigger="every 1s"', started.text)
    assert poll or "扫描完成" in started.text, "the card follows the scan's progress"
    finished = await until_finished(anonymous, poll.group(1), htmx(page.text)) if poll else started.text
    assert "扫描完成：新增 2 条预警。" in finished and "every 1s" not in finished, "done: the polling stops"
    assert 'id="alert-summary" hx-swap-oob="true"' in finished and 'id="alert-table" hx-swap-oob="true"' in finished
    assert len(listed(finished)) == 2 and severity_cards(finished) == {"high": 0, "medium": 1, "low": 1}
    assert "手动启动 (管理员)" in (await anonymous.get("/alerts")).text

    without_js = await anonymous.post("/alerts/scan", data={"csrf_token": form_token(page.text)})
    assert without_js.status_code == 303 and without_js.headers["location"].startswith("/alerts?scan=risk-scan-")
    workflow_id = without_js.headers["location"].split("=", 1)[1]
    await until_finished(anonymous, f"/alerts/scans/{workflow_id}", htmx(page.text))

    halfway = running_scan(db, utcnow(), done=2, total=6)
    dashboard = await anonymous.get("/alerts")
    card = section(dashboard.text, "scan")
    assert f'hx-get="/alerts/scans/{halfway}"' in card and "已检查 2 / 6 条规则" in card and "33%" in card
    assert "立即扫描" not in card, "one scan at a time from the page"
    await login_as(anonymous, "manager_south")
    follows = await anonymous.get(f"/alerts/scans/{halfway}", headers=htmx(page.text))
    assert follows.status_code == 200 and "已检查 2 / 6 条规则" in follows.text, "readers follow a running scan"
    assert (await anonymous.post("/alerts/scan", headers=htmx(dashboard.text))).status_code == 403
