"""The demo company 华通物流: the accounts the documentation promises, a believable history
around them, and the same company every time it is loaded for the same day."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.demo_company import load_demo_company
from schemas.alerts import THRESHOLDS, AlertRule
from schemas.orders import OrderStatus
from store.db import Database
from store.migrate import upgrade
from store.models import (
    Base,
    CommissionLine,
    CommissionStatement,
    Complaint,
    Customer,
    Department,
    Employee,
    Interaction,
    Order,
    OrderLine,
    Payment,
    Service,
    Setting,
    Team,
)
from store.passwords import verify_password
from store.repo.alerts.rules import evaluate
from store.repo.commission import records as settlements
from store.repo.commission.compute import compute

TODAY = date(2026, 11, 23)


@dataclass
class Loaded:
    db: Database
    seconds: float


def _fresh_database(path: Path) -> Database:
    url = f"sqlite:///{path / 'demo.db'}"
    upgrade(url)
    return Database(url)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    """One loaded company shared by the read-only tests (a load takes a second or two)."""
    db = _fresh_database(tmp_path_factory.mktemp("demo"))
    started = time.perf_counter()
    assert load_demo_company(db, today=TODAY) is True
    yield Loaded(db, time.perf_counter() - started)
    db.dispose()


def _employees(session: Session) -> dict[str, Employee]:
    return {e.username: e for e in session.scalars(select(Employee))}


def _count(session: Session, model: type[Base]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_load_is_fast(demo: Loaded) -> None:
    assert demo.seconds < 15


def test_documented_accounts_exist_with_their_roles(demo: Loaded) -> None:
    with demo.db.session() as session:
        people = _employees(session)
        roles = {username: people[username].roles for username in people}
        assert roles["admin"] == ["admin"] and people["admin"].name == "系统管理员"
        assert roles["sun.li"] == ["hr"] and people["sun.li"].name == "孙丽"
        assert roles["zhou.min"] == ["finance"] and people["zhou.min"].name == "周敏"
        assert roles["liu.yang"] == ["department_head"] and people["liu.yang"].name == "刘洋"
        for username, name in (("chen.jie", "陈杰"), ("zhao.lei", "赵磊")):
            assert roles[username] == ["sales_manager"] and people[username].name == name
        for username, name in (("zhang.wei", "张伟"), ("li.na", "李娜"), ("wang.fang", "王芳")):
            assert roles[username] == ["sales"] and people[username].name == name
        assert sum(r == ["hr"] for r in roles.values()) >= 2
        assert sum(r == ["finance"] for r in roles.values()) >= 2
        assert all(e.status == "active" and not e.order_freeze for e in people.values())
        assert all(e.email == f"{e.username}@huatong.example" for e in people.values())


def test_teams_and_reporting_lines(demo: Loaded) -> None:
    with demo.db.session() as session:
        people = _employees(session)
        teams = {t.name: t for t in session.scalars(select(Team))}
        sales = session.scalars(select(Department).where(Department.name == "销售部")).one()
        head = people["liu.yang"]
        assert sales.head_id == head.id and head.team_id is None and head.manager_id is None
        south, east = teams["华南区工业客户团队"], teams["华东区零售客户团队"]
        assert (south.region, south.industry, east.region, east.industry) == ("华南", "工业", "华东", "零售")
        assert len(teams) >= 4 and all(t.department_id == sales.id for t in teams.values())
        assert south.manager_id == people["chen.jie"].id and east.manager_id == people["zhao.lei"].id
        for team in teams.values():
            manager = session.get(Employee, team.manager_id)
            assert manager is not None and manager.roles == ["sales_manager"]
            assert manager.team_id == team.id and manager.manager_id == head.id
        for username, team in (("zhang.wei", south), ("li.na", south), ("wang.fang", east)):
            assert people[username].team_id == team.id
            assert people[username].manager_id == team.manager_id
        for seller in (e for e in people.values() if e.roles == ["sales"]):
            team_of = session.get(Team, seller.team_id)
            assert team_of is not None and seller.manager_id == team_of.manager_id
        assert people["zhang.wei"].hired_on is not None
        years = (TODAY - people["zhang.wei"].hired_on.date()).days / 365.25
        assert 9.5 <= years <= 10.5


def test_a_company_of_some_size(demo: Loaded) -> None:
    with demo.db.session() as session:
        assert _count(session, Employee) >= 30
        assert 250 <= _count(session, Customer) <= 400
        assert _count(session, Interaction) >= 3000
        assert 80 <= _count(session, Complaint) <= 250
        assert 6 <= _count(session, Service) <= 10
        threshold = session.get(Setting, "order.head_threshold")
        assert threshold is not None and threshold.value == "100000"
        unassigned = session.scalars(select(Customer).where(Customer.owner_id.is_(None))).all()
        assert 10 <= len(unassigned) <= 20
        for lead in unassigned:  # in the pool of the team covering their territory
            team = session.get(Team, lead.team_id)
            assert team is not None and (team.region, team.industry) == (lead.region, lead.industry)


def test_customers_belong_to_their_owners_team(demo: Loaded) -> None:
    with demo.db.session() as session:
        teams = {t.id: t for t in session.scalars(select(Team))}
        people = {e.id: e for e in session.scalars(select(Employee))}
        for customer in session.scalars(select(Customer).where(Customer.owner_id.is_not(None))):
            assert customer.owner_id is not None and customer.team_id is not None
            owner, team = people[customer.owner_id], teams[customer.team_id]
            assert owner.team_id == team.id
            assert (customer.region, customer.industry) == (team.region, team.industry)
            assert customer.contact_phone.startswith("1") and len(customer.contact_phone) == 11
            assert customer.size in {"small", "medium", "large"} and customer.credit_limit > 0


def test_two_years_of_consistent_orders(demo: Loaded) -> None:
    with demo.db.session() as session:
        first, last = session.execute(select(func.min(Order.created_at), func.max(Order.created_at))).one()
        assert TODAY - timedelta(days=731) <= first.date() <= TODAY - timedelta(days=700)
        assert last.date() >= TODAY - timedelta(days=5) and last < datetime(2026, 11, 23, tzinfo=UTC)
        statuses = dict(session.execute(select(Order.status, func.count()).group_by(Order.status)).all())
        assert statuses[OrderStatus.approved] > 0.85 * sum(statuses.values())
        assert statuses[OrderStatus.rejected] > 0 and statuses[OrderStatus.cancelled] > 0
        assert 1 <= statuses[OrderStatus.pending_approval] <= 30
        services = {s.code: s for s in session.scalars(select(Service))}
        lines: dict[int, list[OrderLine]] = {}
        for line in session.scalars(select(OrderLine)):
            lines.setdefault(line.order_id, []).append(line)
            service = services[line.service_code]
            assert service.floor_price <= line.unit_price <= service.list_price
            assert line.amount == line.unit_price * line.quantity
        for order in session.scalars(select(Order)):
            assert 1 <= len(lines[order.id]) <= 3 and order.revision == 1
            assert order.total == sum((line.amount for line in lines[order.id]), Decimal("0"))
            assert order.workflow_id == f"order-{order.id}"
            assert (order.current_step == "manager") == (order.status == "pending_approval")


def test_payments_refunds_and_open_receivables(demo: Loaded) -> None:
    with demo.db.session() as session:
        payments = {p.id: p for p in session.scalars(select(Payment))}
        orders = {o.id: o for o in session.scalars(select(Order))}
        paid: dict[int, Decimal] = {}
        for payment in payments.values():
            assert orders[payment.order_id].status == "approved"
            assert payment.paid_at < datetime(2026, 11, 23, tzinfo=UTC) and payment.amount > 0
            if payment.kind == "refund":
                assert payment.reverses_id is not None
                assert payments[payment.reverses_id].order_id == payment.order_id
            else:
                paid[payment.order_id] = paid.get(payment.order_id, Decimal("0")) + payment.amount
        refunds = [p for p in payments.values() if p.kind == "refund"]
        approved = [o for o in orders.values() if o.status == "approved"]
        open_orders = [o for o in approved if paid.get(o.id, Decimal("0")) < o.total]
        assert 5 <= len(refunds) <= 100
        assert len(paid) > 0.8 * len(approved)
        assert all(paid[o] <= orders[o].total for o in paid)
        assert len(open_orders) > 50


def test_zhang_wei_brings_about_15_percent_of_revenue(demo: Loaded) -> None:
    with demo.db.session() as session:
        zhang = _employees(session)["zhang.wei"]
        approved = select(func.sum(Order.total)).where(Order.status == "approved")
        total = session.scalar(approved) or Decimal("0")
        his = session.scalar(
            approved.join(Customer, Customer.id == Order.customer_id).where(Customer.owner_id == zhang.id)
        )
        assert his is not None and Decimal("0.13") <= his / total <= Decimal("0.17")


def test_some_of_zhang_weis_big_customers_are_drifting_away(demo: Loaded) -> None:
    """Orders of a few long-standing customers collapse in the last quarter: what alerts find."""
    recent = datetime(2026, 8, 25, tzinfo=UTC)
    year_before = (datetime(2025, 8, 25, tzinfo=UTC), datetime(2025, 11, 23, tzinfo=UTC))
    with demo.db.session() as session:
        zhang = _employees(session)["zhang.wei"]
        drifting = 0
        for customer in session.scalars(select(Customer).where(Customer.owner_id == zhang.id)):
            orders = session.scalars(select(Order).where(Order.customer_id == customer.id))
            created = [o.created_at for o in orders]
            now = sum(at >= recent for at in created)
            then = sum(year_before[0] <= at < year_before[1] for at in created)
            long_standing = customer.created_at < datetime(2021, 1, 1, tzinfo=UTC)
            if long_standing and then >= 5 and now * 4 <= then:
                drifting += 1
        assert drifting >= 2


def test_every_risk_rule_finds_the_demos_stories(demo: Loaded) -> None:
    """张伟 went quiet last week and holds over 15% of the year's revenue; 马超 works 王芳's customers
    on WeChat; some of 张伟's big accounts are falling; a few customers complain again and again;
    a few small accounts have gone silent."""
    at = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC) + timedelta(hours=2)
    with demo.db.session() as session:
        staff = {e.id: e.username for e in session.scalars(select(Employee))}
        owners = dict(session.execute(select(Customer.id, Customer.owner_id)).all())
        found = {rule: evaluate(session, rule, THRESHOLDS[rule](), at, "Asia/Shanghai") for rule in AlertRule}
    assert [staff[e] for e in found[AlertRule.contact_drop]] == ["zhang.wei"]
    assert [staff[e] for e in found[AlertRule.unassigned_contacts]] == ["ma.chao"]
    assert [staff[e] for e in found[AlertRule.revenue_concentration]] == ["zhang.wei"]
    assert any(staff.get(owners[c] or 0) == "zhang.wei" for c in found[AlertRule.orders_declining])
    assert len(found[AlertRule.repeated_complaints]) >= 4 and len(found[AlertRule.customer_silent]) >= 5


def test_every_demo_password_is_demo1234(demo: Loaded) -> None:
    with demo.db.session() as session:
        hashes = {e.password_hash for e in session.scalars(select(Employee))}
    assert hashes and all(verify_password(h, "demo1234") for h in hashes)
    assert not verify_password(next(iter(hashes)), "wrong")


def test_a_second_load_changes_nothing(demo: Loaded) -> None:
    models: list[type[Base]] = [Employee, Team, Customer, Order, OrderLine, Payment, Interaction, Complaint]
    with demo.db.session() as session:
        before = [_count(session, m) for m in models]
    assert load_demo_company(demo.db, today=TODAY + timedelta(days=1)) is False
    with demo.db.session() as session:
        assert [_count(session, m) for m in models] == before


def _digest(db: Database) -> str:
    digest = hashlib.sha256()
    with db.session() as session:
        for query in (
            select(Customer.name, Customer.owner_id, Customer.credit_limit).order_by(Customer.id),
            select(Order.customer_id, Order.total, Order.status, Order.created_at).order_by(Order.id),
            select(Payment.order_id, Payment.amount, Payment.paid_at).order_by(Payment.id),
            select(Interaction.summary, Interaction.occurred_at).order_by(Interaction.id),
            select(Employee.username, Employee.phone).order_by(Employee.id),
        ):
            for row in session.execute(query):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_the_same_day_gives_the_same_company(demo: Loaded, tmp_path: Path) -> None:
    again = _fresh_database(tmp_path)
    try:
        assert load_demo_company(again, today=TODAY) is True
        assert _digest(again) == _digest(demo.db)
    finally:
        again.dispose()


def test_last_months_commission_settles_from_the_demo_history(demo: Loaded) -> None:
    """Finance can settle October at first run: the plan is in force, every salesperson who
    collected money has a statement, and each statement is the sum of its lines. (It writes to
    the shared company, so it comes last.)"""
    with demo.db.session() as session:
        settlement_id = settlements.open_settlement(
            session, period="2026-10", actor_id=None, current_period="2026-11"
        ).id
    result = compute(demo.db, settlement_id, 1, "Asia/Shanghai", lambda _: None)
    with demo.db.session() as session:
        zhang = session.scalar(select(Employee.id).where(Employee.username == "zhang.wei"))
        statements = {row.employee_id: row for row in session.scalars(select(CommissionStatement))}
        sums = dict(
            session.execute(
                select(CommissionLine.employee_id, func.sum(CommissionLine.commission_fen))
                .where(CommissionLine.kind.in_(["earned", "held"]))
                .group_by(CommissionLine.employee_id)
            ).all()
        )
    assert result.statements == len(statements) >= 5 and zhang in statements
    assert statements[zhang].gross_fen > 0 and result.teams
    assert {employee: row.gross_fen for employee, row in statements.items() if employee in sums} == sums
