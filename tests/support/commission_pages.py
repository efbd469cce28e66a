"""Helpers for the commission page and browser tests: a month of sales to settle, the team's
review task, and acting on the settlement page while the process is still registering a step."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select

from schemas.commission import SettlementStatus
from store.db import Database
from store.models import Task
from store.models.base import utcnow
from store.repo.commission import records as settlements
from tests.support.commission import Settled, day_in, pay, sale, save_plan, settle
from tests.support.eventually import eventually, once_ready
from tests.support.org import OrgFixture


@dataclass
class Month:
    first: int  # 张伟's first payment: 100000 at 2% + 20000 at 3% = 2600.00
    second: int  # 张伟's second payment: 10000 at 3% = 300.00
    east: int  # 王芳's payment: 5000 at 2% = 100.00
    order: int  # 张伟's order


def month_of_sales(db: Database, org: OrgFixture, period: str, *, east: bool = True) -> Month:
    """张伟 (south team) collects 130000 in two payments; 王芳 (east team) 5000."""
    big = sale(db, org, "sales_south", "200000.00")
    first = pay(db, big, "120000.00", day_in(period, 5))
    second = pay(db, big, "10000.00", day_in(period, 6))
    small = pay(db, sale(db, org, "sales_east", "5000.00"), "5000.00", day_in(period, 7)) if east else 0
    return Month(first=first, second=second, east=small, order=big)


def opened(db: Database, org: OrgFixture, period: str) -> int:
    """The month's settlement opened by finance, its computation not yet published."""
    save_plan(db, org)
    month_of_sales(db, org, period)
    with db.session() as session:
        return settlements.open_settlement(session, period=period, actor_id=org["finance"], current_period="2026-12").id


def heartbeat(db: Database, settlement_id: int, progress: float) -> None:
    with db.session() as session:
        settlements.set_progress(session, settlement_id, progress)


def publish(db: Database, period: str, status: SettlementStatus, existing: Settled | None = None) -> None:
    """The month computed without the process and left in ``status``, as its activities would."""
    settled = settle(db, period, existing=existing)
    with db.session() as session:
        settlements.set_status(
            session, settled.settlement_id, status, None, review_ends_at=utcnow() + timedelta(days=3)
        )


def computed_month(db: Database, org: OrgFixture, period: str, status: SettlementStatus) -> None:
    """张伟 and 李娜 (south) and 王芳 (east) with statements in ``status``."""
    save_plan(db, org)
    month_of_sales(db, org, period)
    pay(db, sale(db, org, "sales_south2", "1000.00"), "1000.00", day_in(period, 9))
    publish(db, period, status)


def period_row(html: str, period: str) -> str:
    """The period's row in the settlement list."""
    found = re.search(rf'<tr data-period="{period}">.*?</tr>', html, re.S)
    assert found, period
    return found.group(0)


async def review_task(db: Database, period: str, kind: str, team_id: int | None = None) -> Task:
    """The settlement's open review task of that kind (and team), once the process opened it."""

    def first_open() -> Task | None:
        with db.session() as session:
            tasks = session.scalars(
                select(Task).where(Task.workflow_id == f"commission-{period}", Task.kind == kind, Task.status == "open")
            )
            return next(
                (task for task in tasks if team_id is None or (task.context or {}).get("team_id") == team_id), None
            )

    team = "" if team_id is None else f" of team {team_id}"
    return await eventually(first_open, f"an open {kind} task{team} in commission-{period}")


async def decide(
    client: httpx.AsyncClient, period: str, task_id: str, data: dict[str, Any], headers: dict[str, str]
) -> httpx.Response:
    """Post a review decision from the settlement page, waiting while the process is still
    registering the step (409 ``task_not_ready``)."""
    return await once_ready(
        lambda: client.post(f"/commission/{period}/tasks/{task_id}", data=data, headers=headers), task_id
    )
