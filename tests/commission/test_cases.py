"""Commission beyond the plain month: bad plans and periods refused with nothing saved, a draft
recomputed whole, finance sending a settlement back, corrections after locking, and the monthly
schedule."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from temporalio.client import Client, ScheduleCalendarSpec

from baton.schedules import COMMISSION_SCHEDULE, RISK_SCAN_SCHEDULE, ensure_schedules
from schemas.commission import SettlementOutOfOrder
from schemas.commission_math import next_period, previous_period
from store.db import Database
from store.models import CommissionPlan, CommissionSettlement, Notification, Task
from tests.commission.test_settlement import PLAN, error, open_task, settlement, team_task
from tests.support.commission import day_in, last_period, pay, sale, save_plan, settle, wait_for_settlement
from tests.support.eventually import eventually
from tests.support.offboarding import act
from tests.support.org import OrgFixture
from tests.support.steps import wait_for_row

BAD_PLANS: list[tuple[dict[str, Any], str]] = [
    ({"tiers": [{"from": "100000", "rate": "0.03"}, {"from": "0", "rate": "0.02"}]}, "unsorted"),
    ({"tiers": [{"from": "0", "rate": "0.02"}, {"from": "0", "rate": "0.03"}]}, "overlapping"),
    ({"tiers": [{"from": "0", "rate": "-0.01"}]}, "negative rate"),
    ({"tiers": [{"from": "0", "rate": "1.5"}]}, "rate above 100%"),
    ({"tiers": [{"from": "0", "rate": "0.00001"}]}, "five decimals"),
    ({"tiers": [{"from": "500", "rate": "0.02"}]}, "not starting at 0"),
    ({"tiers": []}, "no tiers"),
    ({"tiers": [{"from": "0", "rate": "0.02"}], "service_rates": {"NOPE": "0.1"}}, "unknown service"),
    ({"tiers": [{"from": "0", "rate": "0.02"}], "effective_from": "2026-13"}, "malformed period"),
    ({"tiers": [{"from": "0", "rate": "0.02"}], "hold_forfeit_days": 0}, "zero hold days"),
]


async def test_a_bad_plan_is_refused_with_a_clear_error_and_nothing_saved(api, db: Database) -> None:  # type: ignore[no-untyped-def]
    finance = await api("finance")
    for body, why in BAD_PLANS:
        response = await finance.put("/api/commission/plan", json=body)
        assert response.status_code == 422, why
        assert error(response)["details"], why
    assert (await finance.get("/api/commission/plan")).status_code == 404
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(CommissionPlan)) == 0


async def test_bad_periods_are_refused(api, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    finance = await api("finance")
    assert (await finance.put("/api/commission/plan", json=PLAN)).status_code == 200
    for period, code in (
        ("2026-13", "invalid_input"),
        ("26-10", "invalid_input"),
        ("2999-01", "period_not_over"),
        (last_period()[:4] + "-xx", "invalid_input"),
    ):
        response = await finance.post("/api/commission/settlements", json={"period": period})
        assert (response.status_code, error(response)["code"]) == (422, code), period
    current = next_period(last_period())
    running = await finance.post("/api/commission/settlements", json={"period": current})
    assert error(running)["code"] == "period_not_over"
    missing = await finance.get(f"/api/commission/settlements/{last_period()}")
    assert missing.status_code == 404 and error(missing)["code"] == "settlement_not_found"
    assert (await finance.get("/api/commission/settlements/not-a-period")).status_code == 422
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(CommissionSettlement)) == 0


def test_a_period_before_one_already_settled_cannot_be_opened(db: Database, org: OrgFixture) -> None:
    save_plan(db, org)
    settle(db, "2026-10")
    with pytest.raises(SettlementOutOfOrder):
        settle(db, "2026-09")


def test_the_plan_in_force_for_the_period_is_used_and_its_version_recorded(db: Database, org: OrgFixture) -> None:
    save_plan(db, org, tiers=[{"from": "0", "rate": "0.01"}], effective_from="2026-01")
    save_plan(db, org, tiers=[{"from": "0", "rate": "0.05"}], effective_from="2026-11")  # later: not October's
    order = sale(db, org, "sales_south", "1000.00")
    pay(db, order, "1000.00", "2026-10-10")
    settled = settle(db, "2026-10")
    assert [line[3] for line in settled.lines(db)] == ["10.00"]
    with db.session() as session:
        row = session.get(CommissionSettlement, settled.settlement_id)
        assert row is not None and row.plan_version == 1


async def test_recomputing_during_the_review_replaces_the_draft_and_reopens_the_window(
    skipping_api, time_skipping_env, db: Database, org: OrgFixture
) -> None:  # type: ignore[no-untyped-def]
    period = previous_period(last_period())
    finance, zhang = await skipping_api("finance"), await skipping_api("sales_south")
    assert (await finance.put("/api/commission/plan", json=PLAN)).status_code == 200
    order = sale(db, org, "sales_south", "50000.00")
    pay(db, order, "1000.00", day_in(period, 3))
    assert (await finance.post("/api/commission/settlements", json={"period": period})).status_code == 201
    await wait_for_settlement(db, period, "employee_review")
    assert (await zhang.post(f"/api/commission/settlements/{period}/recompute")).status_code == 403

    late = pay(db, order, "2000.00", day_in(period, 20))  # recorded after the first computation
    recomputed = await finance.post(f"/api/commission/settlements/{period}/recompute")
    assert recomputed.status_code == 200, recomputed.text
    await wait_for_settlement(db, period, "employee_review", run=2)
    mine = (await settlement(zhang, period))["statements"][0]
    assert [line["payment_id"] for line in mine["lines"]][-1] == late and mine["net"] == "60.00"

    # In the managers' review, recomputing withdraws their tasks; the new draft goes back to the employees.
    handle = time_skipping_env.client.get_workflow_handle(f"commission-{period}")
    await time_skipping_env.fast_forward(handle, timedelta(days=10))
    withdrawn = await team_task(db, f"commission-{period}", org.team_ids["south"])
    assert (await finance.post(f"/api/commission/settlements/{period}/recompute")).status_code == 200
    await wait_for_row(db, Task, withdrawn.id, lambda task: task.status == "cancelled")
    await wait_for_settlement(db, period, "employee_review", run=3)
    with db.session() as session:
        told = session.scalars(
            select(Notification).where(
                Notification.recipient_id == org["sales_south"], Notification.process_id == f"commission-{period}"
            )
        ).all()
    assert len(told) == 3  # once per draft


async def test_finance_sends_a_settlement_back_to_the_managers_with_a_comment(
    skipping_api, time_skipping_env, db: Database, org: OrgFixture
) -> None:  # type: ignore[no-untyped-def]
    period = previous_period(previous_period(last_period()))
    finance, manager = await skipping_api("finance"), await skipping_api("manager_south")
    assert (await finance.put("/api/commission/plan", json=PLAN)).status_code == 200
    pay(db, sale(db, org, "sales_south", "1000.00"), "1000.00", day_in(period, 3))
    assert (await finance.post("/api/commission/settlements", json={"period": period})).status_code == 201
    await wait_for_settlement(db, period, "employee_review")
    await time_skipping_env.fast_forward(
        time_skipping_env.client.get_workflow_handle(f"commission-{period}"), timedelta(days=10)
    )
    first_round = await team_task(db, f"commission-{period}", org.team_ids["south"])
    assert (await act(manager, first_round.id, "approve")).status_code == 200
    approval = await open_task(db, f"commission-{period}", "commission_approval")
    no_reason = await act(finance, approval.id, "reject")
    assert no_reason.status_code == 422
    assert (await act(finance, approval.id, "reject", comment="华南区回款数据需要复核")).status_code == 200
    await wait_for_settlement(db, period, "manager_review")
    second_round = await team_task(db, f"commission-{period}", org.team_ids["south"])
    assert second_round.id != first_round.id and second_round.context["round"] == 2
    recompute = await finance.post(f"/api/commission/settlements/{period}/recompute")
    assert recompute.status_code == 200  # still before finance's review


async def test_a_correction_after_locking_lands_in_the_next_open_settlement(api, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    save_plan(db, org)
    pay(db, sale(db, org, "sales_south", "1000.00"), "1000.00", "2026-09-10")
    settle(db, "2026-09", lock=True)
    finance = await api("finance")
    waiting = await finance.post(
        "/api/commission/corrections",
        json={
            "employee_id": org["sales_east"],
            "amount": "-30.00",
            "reason": "九月重复计提",
            "corrects_period": "2026-09",
        },
    )
    assert waiting.status_code == 201 and waiting.json()["settlement_period"] is None
    october = settle(db, "2026-10")  # the next computation picks the correction up
    body = (await finance.get("/api/commission/settlements/2026-10")).json()
    east = {row["employee_id"]: row for row in body["statements"]}[org["sales_east"]]
    assert (east["adjustment"], east["net"]) == ("-30.00", "-30.00")
    assert [line["reason"] for line in east["lines"]] == ["九月重复计提"]
    assert october.run == 1
    sales = await api("sales_south")
    refused = await sales.post(
        "/api/commission/corrections",
        json={"employee_id": org["sales_south"], "amount": "100.00", "reason": "x", "corrects_period": "2026-09"},
    )
    assert refused.status_code == 403


async def test_the_monthly_schedule_is_created_once_and_opens_last_months_settlement_once(
    worker, settings, temporal_client: Client, db: Database, org: OrgFixture
) -> None:  # type: ignore[no-untyped-def]
    queue = settings.temporal.task_queue
    await ensure_schedules(temporal_client, queue, "Asia/Shanghai")
    await ensure_schedules(temporal_client, queue, "Asia/Shanghai")
    listed = [entry async for entry in await temporal_client.list_schedules()]
    assert [entry.id for entry in listed].count(COMMISSION_SCHEDULE) == 1
    described = await temporal_client.get_schedule_handle(COMMISSION_SCHEDULE).describe()
    calendar: ScheduleCalendarSpec = described.schedule.spec.calendars[0]
    assert [r.start for r in calendar.day_of_month] == [3] and described.schedule.spec.time_zone_name == "Asia/Shanghai"
    await temporal_client.get_schedule_handle(COMMISSION_SCHEDULE).delete()
    await temporal_client.get_schedule_handle(RISK_SCAN_SCHEDULE).delete()

    period = last_period()
    nothing = await temporal_client.execute_workflow("CommissionMonthly", id=f"tick-{queue}-0", task_queue=queue)
    assert nothing is None  # no plan yet: finance is told instead
    with db.session() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(Notification)
                .where(Notification.recipient_id == org["finance"], Notification.message_id.like("%not opened%"))
            )
            == 1
        )
    save_plan(db, org, effective_from="2020-01")
    first = await temporal_client.execute_workflow("CommissionMonthly", id=f"tick-{queue}-1", task_queue=queue)
    await wait_for_settlement(db, period, "employee_review")
    second = await temporal_client.execute_workflow("CommissionMonthly", id=f"tick-{queue}-2", task_queue=queue)
    assert (first, second) == (period, None)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(CommissionSettlement)) == 1
    # The Temporal Web UI filters by the same business terms (visibility is eventually consistent).
    query = (
        f"BatonProcess = 'commission' AND BatonSubject = '{period}' AND BatonStatus = 'employee_review' "
        f"AND TaskQueue = '{queue}'"
    )

    async def in_web_ui() -> list[str]:
        return [execution.id async for execution in temporal_client.list_workflows(query)]

    listed_there = await eventually(in_web_ui, f"the Web UI to list commission-{period}", every=0.05)
    assert listed_there == [f"commission-{period}"]


async def test_everyone_reads_only_the_statements_they_may(api, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    save_plan(db, org)
    for owner in ("sales_south", "sales_south2", "sales_east"):
        pay(db, sale(db, org, owner, "1000.00"), "1000.00", "2026-10-10")
    settle(db, "2026-10")
    seen: dict[str, set[int]] = {}
    for who in ("finance", "admin", "head", "manager_south", "sales_south", "hr"):
        client: httpx.AsyncClient = await api(who)
        body = (await client.get("/api/commission/settlements/2026-10")).json()
        seen[who] = {row["employee_id"] for row in body["statements"]}
    everyone = {org["sales_south"], org["sales_south2"], org["sales_east"]}
    assert seen["finance"] == seen["admin"] == seen["head"] == everyone
    assert seen["manager_south"] == {org["sales_south"], org["sales_south2"]}
    assert seen["sales_south"] == {org["sales_south"]} and seen["hr"] == set()


def test_a_month_that_cannot_be_opened_tells_finance_and_the_administrators_why(db: Database, org: OrgFixture) -> None:
    from activities.commission import CommissionActivities
    from store.models.base import utcnow

    assert CommissionActivities(db, "Asia/Shanghai").open_period(utcnow()) is None  # no plan in force
    with db.session() as session:
        told = session.scalars(
            select(Notification.recipient_id).where(Notification.message_id.like("%was not opened%"))
        ).all()
    assert sorted(told) == sorted([org["finance"], org["admin"]])
