"""The records the authorization matrix asks about: for every kind of record a path can name,
one that is the salesperson 张伟's (``own``), one of her teammate 李娜's (``team``) and one of 王芳's
in the other team (``other``); customers also have a lead in the south team's pool (``pool``).

Orders are real: submitted over the API and waiting in their ``OrderApproval`` process for the
team manager, so their approval tasks, their histories and the engine's answers are the real
ones. Everything else is written as its activities would leave it (no process behind it), which
is all an authorization answer reads; an action on such a record that gets past authorization
finds no process and is answered as closed (409).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import httpx

from schemas.commission import SettlementStatus
from schemas.kernel.config import Settings
from schemas.org import EmployeeStatus
from store.db import Database
from store.models import (
    Alert,
    Attachment,
    CommissionDispute,
    CommissionSettlement,
    Customer,
    Delegation,
    Employee,
    HandoverItem,
    ImportJob,
    Notification,
    Offboarding,
    Order,
    RiskScan,
    Task,
    TeamRule,
)
from store.models.base import utcnow
from store.repo.notifications.mailbox import mailbox_dir
from store.repo.org import settings as company_settings
from tests.support.clock import company_today
from tests.support.commission import day_in, last_period, pay, save_plan, settle
from tests.support.customers import PROFILE, CustomerSet, make_customers
from tests.support.orders import make_services, order_body, wait_for_approval
from tests.support.org import OrgFixture

RELATIONS = ("own", "team", "other")
CUSTOMER_RELATIONS = (*RELATIONS, "pool")
MISSING = "missing"  # a record that does not exist, which a hidden one must answer exactly like
MISSING_ID = 2_000_000_000
# Whose record each relation is, and that person's team manager.
SELLER = {"own": "sales_south", "team": "sales_south2", "other": "sales_east"}
MANAGER = {"own": "manager_south", "team": "manager_south", "other": "manager_east"}
TEAM = {"own": "south", "team": "south", "other": "east"}

Login = Callable[[str], Awaitable[httpx.AsyncClient]]


@dataclass
class World:
    """Record ids by kind, then by relation; and the records a path names whatever the caller."""

    org: OrgFixture
    customers: CustomerSet
    period: str
    ids: dict[str, Mapping[str, int | str]] = field(default_factory=dict)
    fixed: dict[str, str] = field(default_factory=dict)

    def of(self, kind: str, relation: str) -> int | str:
        if relation == MISSING:
            return missing(kind)
        if kind == "customer":
            return self.customers.all[relation]
        return self.ids[kind][relation]


def missing(kind: str) -> int | str:
    """An id of this kind that no record has."""
    if kind.endswith("task"):
        return f"order-{MISSING_ID}:r1-manager"
    return f"order-{MISSING_ID}" if kind.endswith("workflow") else MISSING_ID


async def make_world(db: Database, org: OrgFixture, settings: Settings, login: Login) -> World:
    """The company of ``make_org`` with a record of every kind for each relation (a worker must run)."""
    make_services(db)
    world = World(org=org, customers=make_customers(db, org), period=last_period())
    world.ids["employee"] = {rel: org[person] for rel, person in SELLER.items()}
    await _pending_orders(db, world, login)
    _approved_orders(db, world)
    _commission(db, world)  # before the handovers: a leaver's commission would be held
    _offboardings(db, world, settings)
    _alerts(db, world)
    _personal(db, world)
    world.fixed["message_id"] = _caught_mail(settings)
    return world


async def _pending_orders(db: Database, world: World, login: Login) -> None:
    customer = {"own": world.customers.own, "team": world.customers.team, "other": world.customers.other}
    orders, tasks, workflows = {}, {}, {}
    for rel, seller in SELLER.items():
        response = await (await login(seller)).post("/api/orders", json=order_body(customer[rel]))
        assert response.status_code == 201, response.text
        orders[rel], workflows[rel] = response.json()["id"], response.json()["workflow_id"]
    for rel, order_id in orders.items():
        tasks[rel] = (await wait_for_approval(db, int(order_id), "manager")).id
    world.ids.update(order=orders, approval_task=tasks, order_workflow=workflows)


def _approved_orders(db: Database, world: World) -> None:
    """Decided orders, which their owner may neither cancel nor revise (a 409 past authorization)."""
    customer = {"own": world.customers.own, "team": world.customers.team, "other": world.customers.other}
    with db.session() as session:
        rows = {
            rel: Order(
                customer_id=customer[rel],
                owner_id=world.org[seller],
                status="approved",
                requested_date=company_today() - timedelta(days=5),
                total=Decimal("950.00"),
                workflow_id=f"order-decided-{uuid.uuid4().hex[:8]}",
            )
            for rel, seller in SELLER.items()
        }
        session.add_all(rows.values())
        session.flush()
        world.ids["decided_order"] = {rel: row.id for rel, row in rows.items()}


def _offboardings(db: Database, world: World, settings: Settings) -> None:
    """Each salesperson in a handover: the case, its ``customer_files`` item assigned to them and an
    evidence file on it."""
    org, content = world.org, b"%PDF-1.4 handover evidence\n"
    digest = hashlib.sha256(content).hexdigest()
    blob = Path(settings.uploads_dir) / digest[:2] / digest
    blob.parent.mkdir(parents=True, exist_ok=True)
    blob.write_bytes(content)
    cases, tasks, files = {}, {}, {}
    with db.session() as session:
        for rel, seller in SELLER.items():
            person = session.get(Employee, org[seller])
            assert person is not None
            person.status, person.order_freeze = EmployeeStatus.offboarding, True
            case = Offboarding(
                employee_id=person.id,
                open_for=person.id,
                workflow_id=f"offboarding-{person.id}",
                status="handover",
                reason="离职",
                last_day=company_today() + timedelta(days=14),
                manager_id=org[MANAGER[rel]],
                head_id=org["head"],
                started_by=org["hr"],
            )
            session.add(case)
            session.flush()
            task = Task(
                id=f"{case.workflow_id}:customer_files",
                process="offboarding",
                process_id=str(case.id),
                workflow_id=case.workflow_id,
                kind="handover_item",
                title="Customer files",
                assignee_id=person.id,
                actions=["done"],
                context={},
            )
            session.add_all(
                [
                    task,
                    HandoverItem(
                        offboarding_id=case.id,
                        key="customer_files",
                        title="Customer files",
                        evidence="attachment",
                        assignee_id=person.id,
                        task_id=task.id,
                    ),
                ]
            )
            session.flush()
            evidence = Attachment(
                task_id=task.id,
                filename="客户档案.pdf",
                content_type="application/pdf",
                size=len(content),
                sha256=digest,
                uploaded_by=person.id,
            )
            session.add(evidence)
            session.flush()
            cases[rel], tasks[rel], files[rel] = case.id, task.id, evidence.id
    world.ids.update(case=cases, handover_task=tasks, attachment=files)


def _commission(db: Database, world: World) -> None:
    """Last month settled and in the employees' review: a statement and a dispute for each
    salesperson, a review task for each team's manager."""
    org, period = world.org, world.period
    save_plan(db, org)
    sold = {}
    with db.session() as session:
        for rel, seller in SELLER.items():
            customer = Customer(
                name=f"{seller}的结算客户", owner_id=org[seller], team_id=org.team_ids[TEAM[rel]], **PROFILE
            )
            session.add(customer)
            session.flush()
            order = Order(
                customer_id=customer.id,
                owner_id=org[seller],
                status="approved",
                total=Decimal("20000.00"),
                requested_date=date.fromisoformat(day_in(period, 2)),
            )
            session.add(order)
            session.flush()
            sold[rel] = order.id
    payments = {rel: pay(db, order_id, "10000.00", day_in(period, 10)) for rel, order_id in sold.items()}
    settled = settle(db, period)
    disputes, tasks = {}, {}
    with db.session() as session:
        settlement = session.get(CommissionSettlement, settled.settlement_id)
        assert settlement is not None
        settlement.status, settlement.run = SettlementStatus.employee_review, settled.run
        settlement.workflow_id = f"commission-{period}"
        for rel, seller in SELLER.items():
            dispute = CommissionDispute(
                settlement_id=settlement.id,
                employee_id=org[seller],
                team_id=org.team_ids[TEAM[rel]],
                payment_id=payments[rel],
                kind="earned",
                comment="少算了一笔",
            )
            session.add(dispute)
            session.flush()
            disputes[rel] = dispute.id
        for team in ("south", "east"):
            session.add(
                Task(
                    id=f"commission-{period}:review-{team}",
                    process="commission",
                    process_id=period,
                    workflow_id=settlement.workflow_id,
                    kind="commission_review",
                    title="Review",
                    assignee_id=org[f"manager_{team}"],
                    actions=["approve"],
                    context={},
                )
            )
        tasks = {rel: f"commission-{period}:review-{TEAM[rel]}" for rel in RELATIONS}
    world.ids.update(dispute=disputes, commission_task=tasks, payment=payments)


def _alerts(db: Database, world: World) -> None:
    """A ``contact_drop`` alert about each salesperson, followed up by their manager; a finished scan."""
    org, alerts, tasks = world.org, {}, {}
    with db.session() as session:
        scan = RiskScan(
            workflow_id=f"risk-scan-authz-{uuid.uuid4().hex[:8]}",
            trigger="manual",
            started_by=None,
            started_at=utcnow(),
            rules_total=6,
            rules_done=6,
            finished_at=utcnow(),
        )
        session.add(scan)
        for rel, seller in SELLER.items():
            alert = Alert(
                rule="contact_drop",
                subject_type="employee",
                subject_id=org[seller],
                severity="medium",
                status="open",
                detail={},
                team_id=org.team_ids[TEAM[rel]],
                assignee_id=org[MANAGER[rel]],
                created_at=utcnow(),
            )
            session.add(alert)
            session.flush()
            alert.workflow_id = f"alert-{alert.id}"
            task = Task(
                id=f"alert-{alert.id}:follow-up",
                process="alert",
                process_id=str(alert.id),
                workflow_id=alert.workflow_id,
                kind="alert_followup",
                title="Follow up",
                assignee_id=org[MANAGER[rel]],
                actions=["acknowledge", "resolve"],
                context={"alert_id": alert.id},
            )
            session.add(task)
            alerts[rel], tasks[rel] = alert.id, task.id
        session.flush()
        world.fixed["scan"] = scan.workflow_id
    world.ids.update(alert=alerts, alert_task=tasks)


def _caught_mail(settings: Settings) -> str:
    """One message in the dev mail catcher's mailbox (the app under test runs with the catcher)."""
    message_id = "20261201T080000000000-0badcafe"
    mailbox = mailbox_dir(settings.data_dir)
    mailbox.mkdir(parents=True, exist_ok=True)
    (mailbox / f"{message_id}.eml").write_bytes(
        b"From: baton@example.com\r\nTo: sales_south@example.com\r\nSubject: Reminder\r\n\r\nA task is due.\r\n"
    )
    return message_id


def _personal(db: Database, world: World) -> None:
    """Each salesperson's notification and away delegation; an import each team manager uploaded;
    one team rule."""
    org = world.org
    deputy = {"own": "sales_south2", "team": "sales_south", "other": "manager_east"}
    notes, away, imports = {}, {}, {}
    with db.session() as session:
        for rel, seller in SELLER.items():
            note = Notification(recipient_id=org[seller], kind="info", title="通知", body="")
            leave = Delegation(
                employee_id=org[seller],
                delegate_id=org[deputy[rel]],
                starts_on=company_today(),
                ends_on=company_today() + timedelta(days=3),
                reason="休假",
                created_by=org[seller],
            )
            session.add_all([note, leave])
            session.flush()
            notes[rel], away[rel] = note.id, leave.id
        for manager in ("manager_south", "manager_east"):
            job = ImportJob(
                kind="customers",
                filename="客户.csv",
                sha256="0" * 64,
                total_rows=0,
                error_rows=0,
                done_rows=0,
                report=[],
                status="checked",
                created_by=org[manager],
            )
            session.add(job)
            session.flush()
            imports[manager] = job.id
        # No claims left today: a salesperson allowed to claim a lead hears 409 and it stays in the pool.
        company_settings.change(session, actor_id=org["admin"], key="pool.daily_claims", value="0")
        rule = TeamRule(region="华南", industry="", size="", team_id=org.team_ids["south"], priority=10)
        session.add(rule)
        session.flush()
        world.fixed["rule_id"] = str(rule.id)
    world.ids.update(notification=notes, delegation=away, import_job={rel: imports[MANAGER[rel]] for rel in RELATIONS})
