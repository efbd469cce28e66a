"""The risk scan run over HTTP against a real worker: alerts raised once, followed up by the team's
manager, resolved with a note, raised again only when the condition has cleared and returned;
who sees which alerts; changing the rules; the daily schedule."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from temporalio.client import Client, ScheduleCalendarSpec
from temporalio.worker import Worker

from baton.first_scan import scan_new_demo
from baton.schedules import COMMISSION_SCHEDULE, RISK_SCAN_SCHEDULE, ensure_schedules
from store.db import Database
from store.models import Alert, AuditEntry, RiskScan
from store.models.base import utcnow
from tests.support.org import OrgFixture
from tests.support.risk import Books
from tests.support.steps import wait_for_row, wait_for_task


def crafted(db: Database, org: OrgFixture) -> dict[str, int]:
    """A silent south customer and an east customer complaining twice (both alerts of today)."""
    books = Books(db, org, now=utcnow())
    silent = books.customer("sales_south", name="佛山美达电器有限公司")
    books.contacts("sales_south", silent, [books.ago(120)])
    moaning = books.customer("sales_east", team="east", name="杭州优选百货有限公司")
    books.contacts("sales_east", moaning, [books.ago(2)])
    books.complaints(moaning, [books.ago(20), books.ago(5)])
    return {"silent": silent, "moaning": moaning}


async def scan(client: Any) -> int:
    response = await client.post("/api/alerts/scan")
    assert response.status_code == 200, response.text
    created: int = response.json()["created"]
    return created


def follow_up_of(alert_id: int, key: str = "follow-up") -> str:
    return f"alert-{alert_id}:{key}"


async def test_a_scan_raises_each_alert_once_for_the_teams_manager(
    api,
    worker: Worker,
    db: Database,  # type: ignore[no-untyped-def]
    org: OrgFixture,
) -> None:
    ids = crafted(db, org)
    admin = await api("admin")
    assert await scan(admin) == 2
    south, east, head = await api("manager_south"), await api("manager_east"), await api("head")
    listed = (await south.get("/api/alerts", params={"status": "open"})).json()
    assert [(a["rule"], a["subject_type"], a["subject_id"], a["severity"], a["status"]) for a in listed] == [
        ("customer_silent", "customer", ids["silent"], "low", "open")
    ]
    assert set(listed[0]) >= {"id", "rule", "subject_type", "subject_id", "severity", "status", "detail", "created_at"}
    assert listed[0]["detail"]["silent_days"] == 120 and listed[0]["subject_name"] == "佛山美达电器有限公司"
    assert listed[0]["detail"]["thresholds"] == {"days": 90}
    east_view = (await east.get("/api/alerts")).json()
    assert [(a["rule"], a["subject_id"]) for a in east_view] == [("repeated_complaints", ids["moaning"])]
    everything = await head.get("/api/alerts")
    assert len(everything.json()) == 2 and everything.headers["X-Total-Count"] == "2"
    for params, expected in (
        ({"rule": "repeated_complaints"}, [ids["moaning"]]),
        ({"severity": "low"}, [ids["silent"]]),
        ({"team_id": org.team_ids["east"]}, [ids["moaning"]]),
        ({"subject_type": "customer", "subject_id": ids["silent"]}, [ids["silent"]]),
        ({"status": "resolved"}, []),
    ):
        assert [a["subject_id"] for a in (await head.get("/api/alerts", params=params)).json()] == expected, params
    first_page = await head.get("/api/alerts", params={"limit": 1})
    second_page = await head.get("/api/alerts", params={"limit": 1, "offset": 1})
    assert first_page.headers["X-Total-Count"] == "2" and len(first_page.json()) == len(second_page.json()) == 1
    assert first_page.json()[0]["id"] != second_page.json()[0]["id"]
    for bad in ({"status": "closed"}, {"rule": "gossip"}, {"limit": 0}):
        assert (await head.get("/api/alerts", params=bad)).status_code == 422, bad
    assert (await (await api("sales_south")).get("/api/alerts")).status_code == 403
    assert (await (await api("hr")).get("/api/alerts")).status_code == 403
    assert (await east.get(f"/api/alerts/{listed[0]['id']}")).status_code == 404  # another team's: not there
    assert (await south.post("/api/alerts/scan")).status_code == 403

    # each new alert asks its team's manager to follow it up
    task = await wait_for_task(db, follow_up_of(listed[0]["id"]))
    assert task.assignee_id == org["manager_south"] and task.actions == ["acknowledge", "resolve"]
    assert task.kind == "alert_followup" and task.policy_key == "alert.followup"
    inbox = (await south.get("/api/tasks")).json()
    assert [t["id"] for t in inbox["items"] if t["process"] == "alert"] == [task.id]

    # the customer's 360 shows its open alert to those who may read alerts
    seen = (await south.get(f"/api/customers/{ids['silent']}")).json()["alerts"]
    assert [(a["id"], a["rule"], a["status"]) for a in seen] == [(listed[0]["id"], "customer_silent", "open")]
    assert (await (await api("sales_south")).get(f"/api/customers/{ids['silent']}")).json()["alerts"] == []

    # the follow-ups are processes like any other: listed for whoever may read the alerts
    listed_processes = (await south.get("/api/processes", params={"type": "alert"})).json()
    assert [(p["workflow_id"], p["subject"], p["status"]) for p in listed_processes["items"]] == [
        (f"alert-{listed[0]['id']}", "佛山美达电器有限公司", "open")
    ]
    assert (await (await api("sales_south")).get("/api/processes", params={"type": "alert"})).json()["total"] == 0

    # the next day's scan finds the same conditions: nothing new
    assert await scan(admin) == 0
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Alert)) == 2
        assert [s.created for s in session.scalars(select(RiskScan).order_by(RiskScan.id))] == [2, 0]


async def test_acknowledge_then_resolve_with_a_note(
    api,
    worker: Worker,
    db: Database,  # type: ignore[no-untyped-def]
    org: OrgFixture,
) -> None:
    crafted(db, org)
    assert await scan(await api("admin")) == 2
    south = await api("manager_south")
    alert = (await south.get("/api/alerts")).json()[0]
    first = await wait_for_task(db, follow_up_of(alert["id"]))
    unexplained = await south.post(f"/api/tasks/{first.id}/complete", json={"action": "resolve"})
    assert unexplained.status_code == 422 and "comment" in unexplained.text
    assert (
        await (await api("manager_east")).post(f"/api/tasks/{first.id}/complete", json={"action": "acknowledge"})
    ).status_code == 404
    seen = await south.post(f"/api/tasks/{first.id}/complete", json={"action": "acknowledge", "comment": "本周拜访"})
    assert seen.status_code == 200, seen.text
    now = (await south.get(f"/api/alerts/{alert['id']}")).json()
    assert now["status"] == "acknowledged" and now["acknowledged_by"] == org["manager_south"]

    second = await wait_for_task(db, follow_up_of(alert["id"], "resolve"))
    assert second.actions == ["resolve"] and second.assignee_id == org["manager_south"]
    note = "已拜访，客户下月下单"
    done = await south.post(f"/api/tasks/{second.id}/complete", json={"action": "resolve", "comment": note})
    assert done.status_code == 200, done.text
    closed = (await south.get(f"/api/alerts/{alert['id']}")).json()
    assert closed["status"] == "resolved" and closed["resolution_note"] == note
    assert closed["resolved_by"] == org["manager_south"] and closed["task_id"] is None
    assert (await south.get("/api/alerts", params={"status": "open"})).json() == []
    with db.session() as session:
        actions = list(
            session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "alert").order_by(AuditEntry.id))
        )
    assert actions == ["alert.acknowledged", "alert.resolved"]
    history = await south.get(f"/api/processes/alert-{alert['id']}/history")
    assert history.status_code == 200
    for outsider in ("sales_south", "manager_east"):  # the customer's salesperson and another team: not theirs
        refused = await (await api(outsider)).get(f"/api/processes/alert-{alert['id']}/history")
        assert refused.status_code == 404, outsider
    kinds = [event["kind"] for event in history.json()["events"]]
    assert kinds.count("task_created") == 2 and kinds.count("task_completed") == 2


async def test_a_resolved_alert_returns_only_once_its_condition_cleared_and_came_back(
    api, worker: Worker, db: Database, org: OrgFixture
) -> None:  # type: ignore[no-untyped-def]
    crafted(db, org)
    admin, east = await api("admin"), await api("manager_east")
    assert await scan(admin) == 2
    alert = (await east.get("/api/alerts")).json()[0]
    task = await wait_for_task(db, follow_up_of(alert["id"]))
    resolved = await east.post(f"/api/tasks/{task.id}/complete", json={"action": "resolve", "comment": "已致歉并赔付"})
    assert resolved.status_code == 200, resolved.text
    assert await scan(admin) == 0  # the complaints are still within 60 days: the same condition, resolved

    calmer = await admin.put("/api/alert-rules/repeated_complaints", json={"min_complaints": 3})
    assert calmer.status_code == 200 and calmer.json()["min_complaints"] == 3 and calmer.json()["days"] == 60
    assert await scan(admin) == 0
    assert (await east.get(f"/api/alerts/{alert['id']}")).json()["condition_cleared_at"] is not None

    assert (await admin.put("/api/alert-rules/repeated_complaints", json={"min_complaints": 2})).status_code == 200
    assert await scan(admin) == 1
    again = (await east.get("/api/alerts", params={"status": "open"})).json()
    assert [(a["rule"], a["subject_id"]) for a in again] == [("repeated_complaints", alert["subject_id"])]
    assert again[0]["id"] != alert["id"]


async def test_rules_are_changed_by_admin_whole_or_not_at_all(
    api,
    worker: Worker,
    db: Database,  # type: ignore[no-untyped-def]
    org: OrgFixture,
) -> None:
    crafted(db, org)
    admin = await api("admin")
    rules = (await admin.get("/api/alert-rules")).json()
    assert [r["rule"] for r in rules] == [
        "contact_drop",
        "orders_declining",
        "repeated_complaints",
        "unassigned_contacts",
        "revenue_concentration",
        "customer_silent",
    ]
    assert rules[0] | {"updated_at": None} == {
        "rule": "contact_drop",
        "enabled": True,
        "severity": "medium",
        "baseline_weeks": 4,
        "baseline_min": "5",
        "drop_to": 1,
        "updated_by": None,
        "updated_at": None,
    }
    for body, field in (
        ({"days": 3}, "days"),
        ({"days": "soon"}, "days"),
        ({"loudness": 3}, "loudness"),
        ({"enabled": "yes"}, "enabled"),
        ({"severity": "urgent"}, "severity"),
    ):
        refused = await admin.put("/api/alert-rules/customer_silent", json=body)
        assert refused.status_code == 422, body
        assert [d["field"] for d in refused.json()["error"]["details"]] == [field]
    both = await admin.put("/api/alert-rules/contact_drop", json={"baseline_min": 2, "drop_to": 2})
    assert both.status_code == 422
    assert (await admin.put("/api/alert-rules/nonsense", json={})).status_code == 404
    assert (
        await (await api("manager_south")).put("/api/alert-rules/customer_silent", json={"enabled": False})
    ).status_code == 403
    assert (await admin.get("/api/alert-rules/customer_silent")).json()["days"] == 90  # nothing was saved

    as_read = (await admin.get("/api/alert-rules/orders_declining")).json()
    round_trip = await admin.put("/api/alert-rules/orders_declining", json={**as_read, "min_drop_pct": "30"})
    assert round_trip.status_code == 200 and round_trip.json()["min_drop_pct"] == "30"
    off = await admin.put("/api/alert-rules/customer_silent", json={"enabled": False, "severity": "high"})
    assert off.json()["enabled"] is False and off.json()["updated_by"] == org["admin"]
    assert await scan(admin) == 1  # only the complaints
    with db.session() as session:
        change = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "alert_rule.changed", AuditEntry.entity_id == "customer_silent"
            )
        ).one()
        assert change.detail["before"]["enabled"] is True and change.detail["after"]["severity"] == "high"


async def test_the_daily_scan_schedule_is_created_once(
    worker: Worker,
    settings,  # type: ignore[no-untyped-def]
    temporal_client: Client,
) -> None:
    queue = settings.temporal.task_queue
    await ensure_schedules(temporal_client, queue, "Asia/Shanghai")
    await ensure_schedules(temporal_client, queue, "Asia/Shanghai")
    listed = [entry.id async for entry in await temporal_client.list_schedules()]
    assert listed.count(RISK_SCAN_SCHEDULE) == 1
    described = await temporal_client.get_schedule_handle(RISK_SCAN_SCHEDULE).describe()
    calendar: ScheduleCalendarSpec = described.schedule.spec.calendars[0]
    assert [r.start for r in calendar.hour] == [6] and described.schedule.spec.time_zone_name == "Asia/Shanghai"
    for schedule_id in (RISK_SCAN_SCHEDULE, COMMISSION_SCHEDULE):
        await temporal_client.get_schedule_handle(schedule_id).delete()


async def test_the_schedules_run_is_a_scan(
    worker: Worker,
    settings,
    temporal_client: Client,  # type: ignore[no-untyped-def]
    db: Database,
    org: OrgFixture,
) -> None:
    crafted(db, org)
    queue = settings.temporal.task_queue
    result = await temporal_client.execute_workflow(
        "RiskScan",
        {"trigger": "schedule"},
        id=f"risk-scan-daily-{queue}",
        task_queue=queue,
        execution_timeout=timedelta(minutes=2),
    )
    assert result["created"] == 2
    with db.session() as session:
        row = session.scalars(select(RiskScan)).one()
        assert (row.trigger, row.started_by, row.rules_done, row.rules_total) == ("schedule", None, 6, 6)
        raised = list(session.scalars(select(Alert.id).order_by(Alert.id)))
    assert len(raised) == 2
    for alert_id in raised:  # each alert has its follow-up, opened by its own process
        assert (await wait_for_task(db, follow_up_of(alert_id))).process == "alert"


async def test_a_new_demo_runs_its_first_scan_once_the_worker_is_up(
    worker: Worker,
    settings,  # type: ignore[no-untyped-def]
    temporal_client: Client,
    db: Database,
    org: OrgFixture,
) -> None:
    """A fresh demo shows its alerts on the first visit, without an admin pressing "scan now"."""
    crafted(db, org)
    await ensure_schedules(temporal_client, settings.temporal.task_queue, "Asia/Shanghai")
    try:
        assert await scan_new_demo(temporal_client, db, settings) is False, "a real company waits for 06:00"
        demo = settings.with_changes(demo=True)
        assert await scan_new_demo(temporal_client, db, demo) is True
        first = await wait_for_row(db, RiskScan, 1, lambda row: row.finished_at is not None)
        assert (first.trigger, first.created) == ("schedule", 2)
        assert await scan_new_demo(temporal_client, db, demo) is False, "the next start scans nothing"
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(RiskScan)) == 1
            assert session.scalar(select(func.count()).select_from(Alert)) == 2
    finally:
        for schedule_id in (RISK_SCAN_SCHEDULE, COMMISSION_SCHEDULE):
            await temporal_client.get_schedule_handle(schedule_id).delete()


async def test_with_no_worker_the_scan_is_refused_at_once(api, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    crafted(db, org)
    refused = await (await api("admin")).post("/api/alerts/scan")
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "engine_unavailable"
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(RiskScan)) == 0
