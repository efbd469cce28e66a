"""Helpers for the alert page tests: records that make every rule raise one alert, alerts raised
from them the way the scan's activities do (without the engine, for pages that only read),
alerts written directly for the counts, the trend and paging, and reading the pages back."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from itertools import count

import httpx

from schemas.alerts import SUBJECT_OF, AlertRule, Severity
from store.db import Database
from store.models import Alert, Task
from store.repo.alerts import records as alerts
from store.repo.alerts import settings as alert_rules
from store.repo.alerts.details import month_starts
from tests.offboarding.test_pages import section
from tests.support.eventually import eventually
from tests.support.org import OrgFixture
from tests.support.risk import ZONE, Books

SCANS = count(1)


def every_rule(db: Database, org: OrgFixture, now: datetime) -> dict[str, int]:
    """Records as of ``now`` on which each rule finds exactly one subject:

    - 李娜 (south) went from 6 contacts a week to 1: contact_drop;
    - 深圳恒通 (张伟's) ordered 10000, 9000, 8000, 7000 in the last four months: orders_declining,
      and as the company's only revenue, revenue_concentration for 张伟;
    - 杭州优选 (east, 王芳's) complained twice: repeated_complaints;
    - 王芳 (east) contacted 张伟's 广州联达 six times: unassigned_contacts;
    - 佛山美达 (张伟's) was last spoken to 120 days ago: customer_silent.
    """
    books = Books(db, org, now=now)
    busy = books.customer("sales_south2", name="东莞宏达包装有限公司")
    books.weekly_contacts("sales_south2", busy, [1, 6, 6, 6, 6])
    declining = books.customer("sales_south", name="深圳恒通五金有限公司")
    starts = month_starts(now, 4, ZONE.key)
    for start, value in zip(starts, ("10000", "9000", "8000", "7000"), strict=False):
        books.order(declining, "sales_south", value, start + timedelta(days=5))
    moaning = books.customer("sales_east", team="east", name="杭州优选百货有限公司")
    books.contacts("sales_east", moaning, [books.ago(2)])
    books.complaints(moaning, [books.ago(20), books.ago(5)])
    worked = books.customer("sales_south", name="广州联达物流有限公司")
    books.contacts("sales_east", worked, [books.ago(1 + day) for day in range(6)], by_owner=False)
    silent = books.customer("sales_south", name="佛山美达电器有限公司")
    books.contacts("sales_south", silent, [books.ago(120)])
    return {"busy": busy, "declining": declining, "moaning": moaning, "worked": worked, "silent": silent}


def raise_now(db: Database, at: datetime, *, trigger: str = "schedule") -> dict[AlertRule, int]:
    """One scan at ``at`` as the scan's activities run it, without the engine (so no follow-up
    process and no task): rule → the id of the alert it raised."""
    raised: dict[AlertRule, int] = {}
    with db.session() as session:
        rules = [s for s in alert_rules.all_settings(session) if s.enabled]
        scan = alerts.begin_scan(
            session,
            workflow_id=f"risk-scan-test-{next(SCANS)}",
            trigger=trigger,
            started_by=None,
            at=at,
            rules=len(rules),
        )
        for position, settings in enumerate(rules):
            for alert in alerts.apply_rule(
                session, scan_id=scan.id, rule=settings.rule, position=position, at=at, timezone="Asia/Shanghai"
            ):
                raised[alert.rule] = alert.alert_id
        alerts.finish_scan(session, scan.id, len(raised), at)
    return raised


def write_alert(
    db: Database,
    *,
    rule: AlertRule,
    subject_id: int,
    team_id: int | None,
    created_at: datetime,
    severity: Severity = Severity.medium,
    status: str = "open",
    detail: dict[str, object] | None = None,
    assignee_id: int | None = None,
) -> int:
    """An alert row as a scan would leave it (resolved ones with their resolution)."""
    with db.session() as session:
        row = Alert(
            rule=rule.value,
            subject_type=SUBJECT_OF[rule].value,
            subject_id=subject_id,
            severity=severity.value,
            status=status,
            detail=detail or {},
            team_id=team_id,
            assignee_id=assignee_id,
            created_at=created_at,
            resolved_at=created_at if status == "resolved" else None,
            resolution_note="已处理" if status == "resolved" else None,
        )
        session.add(row)
        session.flush()
        row.workflow_id = f"alert-{row.id}"
        return row.id


def running_scan(db: Database, at: datetime, done: int, total: int) -> str:
    """A scan part of the way through its rules (its row as the activities keep it)."""
    workflow_id = f"risk-scan-test-{next(SCANS)}"
    with db.session() as session:
        row = alerts.begin_scan(session, workflow_id=workflow_id, trigger="manual", started_by=None, at=at, rules=total)
        row.rules_done = done
    return workflow_id


def follow_up_task(db: Database, alert_id: int, assignee_id: int) -> str:
    """The follow-up's first task row as the process writes it (for a page whose engine is away)."""
    task_id = f"alert-{alert_id}:follow-up"
    with db.session() as session:
        session.add(
            Task(
                id=task_id,
                process="alert",
                process_id=str(alert_id),
                workflow_id=f"alert-{alert_id}",
                kind="alert_followup",
                title="Follow up",
                assignee_id=assignee_id,
                actions=["acknowledge", "resolve"],
                context={"alert_id": alert_id},
            )
        )
    return task_id


# ----------------------------------------------------------------------------- reading the pages
def severity_cards(html: str) -> dict[str, int]:
    found = re.findall(
        r'data-severity="(\w+)">\s*<span class="label">[^<]*</span><span class="value">(\d+)</span>', html
    )
    return {severity: int(count) for severity, count in found}


def listed(html: str) -> list[int]:
    """The alert ids in the list, in its order."""
    return [int(found) for found in re.findall(r'<tr data-alert="(\d+)"', section(html, "alert-table"))]


def row_of(html: str, alert_id: int) -> str:
    table = section(html, "alert-table")
    start = table.index(f'<tr data-alert="{alert_id}"')
    return table[start : table.index("</tr>", start)]


async def until_finished(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> str:
    """Ask as the page does until the scan says it has finished."""

    async def finished() -> str | None:
        answer = await client.get(url, headers=headers)
        assert answer.status_code == 200, answer.text
        return answer.text if "扫描完成" in answer.text else None

    return await eventually(finished, f"the scan behind {url} to finish")
