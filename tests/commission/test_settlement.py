"""A month's commission settled by the process, over the API, on the time-skipping server: finance
opens it, every salesperson sees only their own statement and may dispute a line, the review
window closes on its own, each team's manager resolves their disputes and approves, finance
approves and the statements lock; after that nothing edits them."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import httpx
from openpyxl import load_workbook
from sqlalchemy import select

from activities.commission import READY
from store.db import Database
from store.models import Notification, Task
from tests.support.commission import day_in, last_period, pay, sale, wait_for_settlement
from tests.support.commission_pages import review_task
from tests.support.eventually import eventually
from tests.support.offboarding import act
from tests.support.org import OrgFixture

PLAN = {"tiers": [{"from": "0", "rate": "0.02"}, {"from": "100000", "rate": "0.03"}], "effective_from": "2020-01"}


def error(response: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = response.json()["error"]
    return body


async def settlement(client: httpx.AsyncClient, period: str, **params: Any) -> dict[str, Any]:
    response = await client.get(f"/api/commission/settlements/{period}", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def open_task(db: Database, workflow_id: str, kind: str) -> Task:
    def first_open() -> Task | None:
        with db.session() as session:
            return session.scalars(
                select(Task)
                .where(Task.workflow_id == workflow_id, Task.kind == kind, Task.status == "open")
                .order_by(Task.created_at)
            ).first()

    return await eventually(first_open, f"an open {kind} task in {workflow_id}")


async def team_task(db: Database, workflow_id: str, team_id: int) -> Task:
    return await review_task(db, workflow_id.removeprefix("commission-"), "commission_review", team_id)


async def test_a_month_is_settled_reviewed_disputed_adjusted_approved_and_locked(
    skipping_api, time_skipping_env, db: Database, org: OrgFixture
) -> None:  # type: ignore[no-untyped-def]
    period = last_period()
    finance, admin = await skipping_api("finance"), await skipping_api("admin")
    zhang, wang = await skipping_api("sales_south"), await skipping_api("sales_east")
    south, east = await skipping_api("manager_south"), await skipping_api("manager_east")

    refused = await finance.post("/api/commission/settlements", json={"period": period})
    assert refused.status_code == 409 and error(refused)["code"] == "no_commission_plan"
    saved = await finance.put("/api/commission/plan", json=PLAN)
    assert saved.status_code == 200 and saved.json()["version"] == 1
    assert (await zhang.put("/api/commission/plan", json=PLAN)).status_code == 403

    big = sale(db, org, "sales_south", "200000.00")
    first = pay(db, big, "120000.00", day_in(period, 5))
    pay(db, big, "10000.00", day_in(period, 6))
    small = sale(db, org, "sales_east", "5000.00")
    pay(db, small, "5000.00", day_in(period, 7))

    created = await finance.post("/api/commission/settlements", json={"period": period})
    assert created.status_code == 201, created.text
    assert created.json() == {"period": period, "status": "computing", "workflow_id": f"commission-{period}"}
    again = await admin.post("/api/commission/settlements", json={"period": period})
    assert again.status_code == 409 and error(again)["code"] == "settlement_exists"
    await wait_for_settlement(db, period, "employee_review")

    everything = await settlement(finance, period)
    assert everything["status"] == "employee_review" and everything["progress"] == 1.0
    by_person = {row["employee_id"]: row for row in everything["statements"]}
    assert set(by_person) == {org["sales_south"], org["sales_east"]}
    # 100000 at 2% + 20000 at 3%, then 10000 at 3%; the east salesperson 5000 at 2%
    assert [line["commission"] for line in by_person[org["sales_south"]]["lines"]] == ["2600.00", "300.00"]
    assert by_person[org["sales_south"]]["net"] == "2900.00" and by_person[org["sales_east"]]["net"] == "100.00"
    assert everything["totals"]["net"] == "3000.00"
    own = await settlement(zhang, period)
    assert [row["employee_id"] for row in own["statements"]] == [org["sales_south"]]
    with db.session() as session:
        told = session.scalars(
            select(Notification).where(
                Notification.recipient_id == org["sales_south"], Notification.message_id == READY
            )
        ).all()
    assert len(told) == 1

    disputed = await zhang.post(
        f"/api/commission/settlements/{period}/disputes",
        json={"payment_id": first, "kind": "earned", "comment": "这笔回款应按老客户费率"},
    )
    assert disputed.status_code == 201, disputed.text
    dispute_id = disputed.json()["id"]
    twice = await zhang.post(
        f"/api/commission/settlements/{period}/disputes",
        json={"payment_id": first, "kind": "earned", "comment": "再说一次"},
    )
    assert twice.status_code == 409 and error(twice)["code"] == "already_disputed"
    not_theirs = await wang.post(
        f"/api/commission/settlements/{period}/disputes", json={"payment_id": first, "kind": "earned", "comment": "x"}
    )
    assert not_theirs.status_code == 404 and error(not_theirs)["code"] == "line_not_found"
    early = await south.post(
        f"/api/commission/settlements/{period}/disputes/{dispute_id}/resolve",
        json={"decision": "adjusted", "amount": "50.00", "reason": "老客户"},
    )
    assert early.status_code == 409 and error(early)["code"] == "not_manager_review"

    # The window closes on its own; each team's manager gets the review.
    handle = time_skipping_env.client.get_workflow_handle(f"commission-{period}")
    await time_skipping_env.fast_forward(handle, timedelta(days=10))
    south_task = await team_task(db, f"commission-{period}", org.team_ids["south"])
    east_task = await team_task(db, f"commission-{period}", org.team_ids["east"])
    assert (south_task.assignee_id, east_task.assignee_id) == (org["manager_south"], org["manager_east"])
    late = await zhang.post(
        f"/api/commission/settlements/{period}/disputes",
        json={"payment_id": first + 1, "kind": "earned", "comment": "晚了"},
    )
    assert late.status_code == 409 and error(late)["code"] == "review_closed"

    blocked = await act(south, south_task.id, "approve")
    assert blocked.status_code == 422 and [d["code"] for d in error(blocked)["details"]] == ["disputes_open"]
    outsider = await east.post(
        f"/api/commission/settlements/{period}/disputes/{dispute_id}/resolve",
        json={"decision": "rejected", "reason": "不是我的团队"},
    )
    assert outsider.status_code == 404, "another team's dispute answers as a missing one"
    not_reviewer = await finance.post(
        f"/api/commission/settlements/{period}/disputes/{dispute_id}/resolve",
        json={"decision": "rejected", "reason": "财务不审"},
    )
    assert not_reviewer.status_code == 403, "finance reads every statement but does not review"
    no_amount = await south.post(
        f"/api/commission/settlements/{period}/disputes/{dispute_id}/resolve",
        json={"decision": "adjusted", "reason": "老客户"},
    )
    assert no_amount.status_code == 422
    resolved = await south.post(
        f"/api/commission/settlements/{period}/disputes/{dispute_id}/resolve",
        json={"decision": "adjusted", "amount": "50.00", "reason": "老客户按合同多提0.5%"},
    )
    assert resolved.status_code == 200, resolved.text
    assert (await act(south, south_task.id, "approve")).status_code == 200
    twice_approved = await act(south, south_task.id, "approve")
    assert twice_approved.status_code == 409 and error(twice_approved)["code"] == "task_closed"
    assert (await act(east, east_task.id, "approve")).status_code == 200

    approval = await open_task(db, f"commission-{period}", "commission_approval")
    assert approval.candidate_role == "finance"
    assert (await act(finance, approval.id, "approve")).status_code == 200
    locked = await settlement(finance, period)
    assert locked["status"] == "locked" and locked["locked_at"] is not None
    mine = {row["employee_id"]: row for row in locked["statements"]}[org["sales_south"]]
    assert (mine["adjustment"], mine["net"]) == ("50.00", "2950.00")
    adjustment = [line for line in mine["lines"] if line["kind"] == "adjustment"]
    assert adjustment[0]["commission"] == "50.00" and adjustment[0]["reason"] == "老客户按合同多提0.5%"
    assert [line["dispute"]["status"] for line in mine["lines"] if line.get("dispute")] == ["adjusted"]

    after = await zhang.post(
        f"/api/commission/settlements/{period}/disputes",
        json={"payment_id": first + 1, "kind": "earned", "comment": "锁定之后"},
    )
    assert after.status_code == 409 and error(after)["code"] == "settlement_locked"
    recomputed = await finance.post(f"/api/commission/settlements/{period}/recompute")
    assert recomputed.status_code == 409 and error(recomputed)["code"] == "settlement_locked"

    exported = await finance.get(f"/api/commission/settlements/{period}/export.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert {(int(row["employee_id"]), row["net"]) for row in rows} == {
        (org["sales_south"], "2950.00"),
        (org["sales_east"], "100.00"),
    }
    workbook = await finance.get(f"/api/commission/settlements/{period}/export.xlsx")
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None and sheet.max_row == 3
    assert (await zhang.get(f"/api/commission/settlements/{period}/export.csv")).status_code == 403
