"""Load the demo company 华通物流 into an empty database (``BATON_DEMO=1``).

The whole company is first planned in memory from one seeded generator and the given day, then
written with bulk inserts. Planning first keeps the data reproducible (the same ``today`` gives
the same company, row for row) and lets the story be tuned before anything is stored: 张伟's
customers bring about 15% of revenue, and some of his oldest accounts are quietly drifting away,
so the risk alerts and the offboarding demo have something real to find.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from baton import demo_company_data as data
from store.db import Database, Session
from store.models import (
    CommissionPlan,
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
from store.passwords import hash_password
from store.repo.customers import interactions
from store.repo.shared.bulk import count_rows, insert_returning_ids, insert_rows, update_by_id

log = logging.getLogger(__name__)

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")  # the company's clock; China has no DST
HISTORY_DAYS = 730
CENT = Decimal("0.01")
SERVICES = {s.code: s for s in data.SERVICES}


@dataclass
class _Customer:
    name: str
    home: data.TeamSpec  # the team whose region and industry the customer belongs to
    owner: str | None  # None: in the unassigned pool
    size: str
    since: date
    contact_name: str
    contact_phone: str
    address: str
    notes: str
    order_pace: float  # orders per month
    order_value: float  # yuan per order
    contact_pace: float  # interactions per month
    drop_from: date | None = None  # drifting to a competitor from this day
    silent_from: date | None = None  # nothing at all happens from this day
    credit_limit: Decimal = Decimal("0")

    def activity(self, day: date) -> float:
        """Chance (0..1) that a planned event on ``day`` really happens: season and story."""
        if day < self.since or (self.silent_from is not None and day >= self.silent_from):
            return 0.0
        factor = data.MONTH_WEIGHT[day.month]
        if self.drop_from is not None and day >= self.drop_from:
            factor *= 0.5 if day < self.drop_from + timedelta(days=60) else 0.12
        return factor


@dataclass
class _Line:
    code: str
    quantity: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass
class _Order:
    customer: int
    owner: str
    created: datetime
    requested: date
    status: str
    current_step: str | None
    decided: datetime | None
    lines: list[_Line]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0"))


@dataclass
class _Payment:
    order: int
    kind: str
    amount: Decimal
    paid_at: datetime
    recorded_by: str
    note: str
    reverses: int | None = None  # index of the reversed payment in the plan


@dataclass
class _Record:
    """An interaction (with a channel) or a complaint (without one)."""

    customer: int
    employee: str
    summary: str
    at: datetime
    channel: str = ""
    by_owner: bool = True


@dataclass
class _Plan:
    phones: dict[str, str]
    customers: list[_Customer]
    orders: list[_Order]
    payments: list[_Payment]
    interactions: list[_Record]
    complaints: list[_Record]


def load_demo_company(db: Database, *, today: date | None = None) -> bool:
    """Load 华通物流 into an empty database.

    Return False (and change nothing) when employees already exist: the demo never mixes with
    a real company's records, and loading at every start-up is safe.
    """
    today = today or date.today()
    started = time.perf_counter()
    with db.session() as session:
        if count_rows(session, Employee):
            return False
        plan = _build_plan(random.Random(data.SEED), today)
        # argon2 is slow on purpose (tens of milliseconds and a lot of memory per hash), so one
        # hash shared by every account keeps the load fast. Sharing it reveals nothing: the demo
        # password is published in the documentation anyway.
        password_hash = hash_password(data.DEMO_PASSWORD)
        _write(session, plan, today, password_hash)
        # Records written in bulk join the tamper-evident chain, and customers learn their last contact.
        interactions.chain_unhashed(session)
        interactions.refresh_last_contact(session)
    log.info("demo company %s loaded in %.2fs", data.COMPANY, time.perf_counter() - started)
    return True


# --- planning -------------------------------------------------------------------------------


def _build_plan(rng: random.Random, today: date) -> _Plan:
    people = (*data.STAFF, *data.MANAGERS, *data.SELLERS)
    phones = {p.username: _mobile(rng) for p in people}
    customers = _plan_customers(rng, today)
    orders = _plan_orders(rng, today, customers)
    _tune_star_share(today, orders)
    _set_credit_limits(today, customers, orders)
    return _Plan(
        phones=phones,
        customers=customers,
        orders=orders,
        payments=_plan_payments(rng, today, orders),
        interactions=_plan_interactions(rng, today, customers),
        complaints=_plan_complaints(rng, today, customers, orders),
    )


def _local(day: date, minutes: int) -> datetime:
    """``minutes`` after midnight of ``day`` on the company's clock, as UTC (what is stored)."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=CHINA)
    return (midnight + timedelta(minutes=minutes)).astimezone(UTC)


def _office_hours(rng: random.Random, day: date) -> datetime:
    return _local(day, rng.randint(8 * 60 + 30, 19 * 60))


def _mobile(rng: random.Random) -> str:
    return rng.choice(data.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([key for key, _ in pairs], weights=[w for _, w in pairs])[0]


def _event_days(
    rng: random.Random, start: date, end: date, per_month: float, chance: Callable[[date], float]
) -> list[date]:
    """Days (start ≤ day < end) of a Poisson process of ``per_month`` events, each kept with
    probability ``chance(day)``: seasons and stories thin out one steady stream."""
    days: list[date] = []
    rate, span, t = per_month * 12 / 365, (end - start).days, 0.0
    while True:
        t += rng.expovariate(rate)
        if t >= span:
            return days
        day = start + timedelta(days=int(t))
        if rng.random() < chance(day):
            days.append(day)


def _plan_customers(rng: random.Random, today: date) -> list[_Customer]:
    taken: set[str] = set()
    customers: list[_Customer] = []
    sizes = [(name, round(p.weight * 100)) for name, p in data.SIZES.items()]
    for team in data.TEAMS:
        members = [p.username for p in data.SELLERS if p.team == team.key]
        others = [m for m in members if m != data.STAR_SELLER]
        star_sizes = data.STAR_SIZES if data.STAR_SELLER in members else ()
        for i in range(team.customers):
            if i < len(star_sizes):
                size = star_sizes[i]
                owner, years = data.STAR_SELLER, (6, 10) if size == "large" else (1, 9)
            else:
                owner, size, years = rng.choice(others), _weighted(rng, sizes), (0, 14)
            customers.append(_new_customer(rng, today, taken, team, owner, size, years))
    for _ in range(data.UNASSIGNED_CUSTOMERS):
        team = rng.choice(data.TEAMS)
        size = rng.choice(("small", "medium"))
        customers.append(_new_customer(rng, today, taken, team, None, size, (0, 3)))
    _mark_story(rng, today, customers)
    return customers


def _new_customer(
    rng: random.Random,
    today: date,
    taken: set[str],
    team: data.TeamSpec,
    owner: str | None,
    size: str,
    years: tuple[int, int],
) -> _Customer:
    city, districts = rng.choice(data.CITIES[team.region])
    name = ""
    while not name or name in taken:
        name = city + rng.choice(data.BRAND_WORDS) + rng.choice(data.NAME_SUFFIXES[team.industry])
    taken.add(name)
    since = today - timedelta(days=rng.randint(years[0] * 365 + 40, years[1] * 365))
    profile = data.SIZES[size]
    return _Customer(
        name=name,
        home=team,
        owner=owner,
        size=size,
        since=since,
        contact_name=rng.choice(data.FAMILY_NAMES) + rng.choice(data.GIVEN_NAMES),
        contact_phone=_mobile(rng),
        address=f"{city}市{rng.choice(districts)}{rng.choice(data.ROADS)}{rng.randint(1, 999)}号",
        notes=_customer_notes(rng, today, size, since),
        order_pace=profile.orders_per_month * rng.uniform(0.6, 1.4),
        order_value=profile.order_value * rng.uniform(0.7, 1.3),
        contact_pace=profile.contacts_per_month * rng.uniform(0.6, 1.4),
    )


def _customer_notes(rng: random.Random, today: date, size: str, since: date) -> str:
    """Preferences a seller would jot down; long-standing customers say since when."""
    count = rng.choices((0, 1, 2), weights=(5, 4, 2))[0]
    tons = {"small": (1, 3), "medium": (3, 10), "large": (10, 30)}[size]
    notes = [n.format(n=rng.randint(*tons)) for n in rng.sample(data.CUSTOMER_NOTES, count)]
    if (today - since).days > 8 * 365 and rng.random() < 0.6:
        notes.insert(0, data.LONG_STANDING_NOTE.format(years=since.year))
    return "；".join(notes)


def _mark_story(rng: random.Random, today: date, customers: list[_Customer]) -> None:
    """张伟's biggest long-standing accounts start drifting five months ago; a few small
    accounts of other sellers have gone silent altogether."""
    star_large = [c for c in customers if c.owner == data.STAR_SELLER and c.size == "large"]
    biggest_first = sorted(star_large, key=lambda c: c.order_pace * c.order_value, reverse=True)
    for customer in biggest_first[: data.DROPPING]:
        customer.drop_from = today - timedelta(days=150 + rng.randint(0, 20))
    quiet = [c for c in customers if c.owner not in (None, data.STAR_SELLER) and c.size == "small"]
    for customer in rng.sample(quiet, data.SILENT_CUSTOMERS):
        customer.silent_from = today - timedelta(days=rng.randint(100, 220))


def _plan_orders(rng: random.Random, today: date, customers: list[_Customer]) -> list[_Order]:
    start = today - timedelta(days=HISTORY_DAYS)
    orders: list[_Order] = []
    for index, customer in enumerate(customers):
        if customer.owner is None:
            continue
        for day in _event_days(rng, start, today, customer.order_pace, customer.activity):
            orders.append(_new_order(rng, today, index, customer, customer.owner, day))
    orders.sort(key=lambda o: o.created)
    return orders


def _new_order(rng: random.Random, today: date, index: int, customer: _Customer, owner: str, day: date) -> _Order:
    created = _office_hours(rng, day)
    mix = data.SERVICE_MIX[customer.home.industry]
    codes: list[str] = []
    for _ in range(rng.choices((1, 2, 3), weights=(50, 35, 15))[0]):
        code = _weighted(rng, mix)
        if code not in codes:
            codes.append(code)
    target = customer.order_value * rng.lognormvariate(0, 0.35)
    shares = [rng.uniform(0.5, 1.5) for _ in codes]
    lines = []
    for code, share in zip(codes, shares, strict=True):
        service = SERVICES[code]
        spread = service.list_price - service.floor_price
        price = (service.floor_price + spread * Decimal(rng.randint(10, 100)) / 100).quantize(CENT)
        quantity = max(1, round(target * share / sum(shares) / float(service.list_price)))
        lines.append(_Line(code, quantity, price))
    status, step, decided = _decision(rng, today, day, created)
    requested = day + timedelta(days=rng.randint(1, 10))
    return _Order(index, owner, created, requested, status, step, decided, lines)


def _decision(rng: random.Random, today: date, day: date, created: datetime) -> tuple[str, str | None, datetime | None]:
    """Recent orders may still wait for their manager; older ones were decided within a day."""
    if day >= today - timedelta(days=3) and rng.random() < 0.3:
        return "pending_approval", "manager", None
    roll = rng.random()
    status = "approved" if roll < 0.93 else "rejected" if roll < 0.97 else "cancelled"
    decided = min(created + timedelta(minutes=rng.randint(30, 26 * 60)), _local(today, -10))
    return status, None, decided


def _tune_star_share(today: date, orders: list[_Order]) -> None:
    """Scale 张伟's order quantities so his customers bring ``STAR_SHARE`` of the last twelve
    months' approved revenue.

    Random draws alone leave his share anywhere within a few points; the demo's story (and the
    revenue-concentration alert, which looks at the last twelve months) needs it just over 15%
    whatever day the demo is loaded on.
    """
    since = _local(today - timedelta(days=365), 0)
    recent = [o for o in orders if o.status == "approved" and o.created >= since]
    star = sum(float(o.total) for o in recent if o.owner == data.STAR_SELLER)
    rest = sum(float(o.total) for o in recent if o.owner != data.STAR_SELLER)
    factor = data.STAR_SHARE * rest / ((1 - data.STAR_SHARE) * star)
    for order in orders:
        if order.owner == data.STAR_SELLER:
            for line in order.lines:
                line.quantity = max(1, round(line.quantity * factor))


def _set_credit_limits(today: date, customers: list[_Customer], orders: list[_Order]) -> None:
    """About three months of a customer's business, so ordinary new orders pass the check."""
    revenue = [Decimal("0")] * len(customers)
    for order in orders:
        if order.status == "approved":
            revenue[order.customer] += order.total
    start = today - timedelta(days=HISTORY_DAYS)
    for customer, earned in zip(customers, revenue, strict=True):
        months = max(1.0, (today - max(start, customer.since)).days / 30.4)
        three_months = math.ceil(3 * float(earned) / months / 10_000) * 10_000
        limit = max(data.SIZES[customer.size].min_credit, three_months)
        customer.credit_limit = Decimal(limit).quantize(CENT)


def _plan_payments(rng: random.Random, today: date, orders: list[_Order]) -> list[_Payment]:
    """Money collected for approved orders up to yesterday, and a few partial refunds."""
    finance = [p.username for p in data.STAFF if p.role == "finance"]
    seniority = range(len(finance), 0, -1)  # the senior accountant records most receipts
    cutoff = _local(today, 0)
    payments: list[_Payment] = []
    for index, order in enumerate(orders):
        if order.status != "approved" or order.decided is None:
            continue
        for amount, paid_at in _instalments(rng, order.total, order.decided):
            if paid_at < cutoff:
                recorder = rng.choices(finance, weights=seniority)[0]
                note = rng.choice(data.PAYMENT_NOTES)
                payments.append(_Payment(index, "payment", amount, paid_at, recorder, note))
        if payments and payments[-1].order == index and rng.random() < 0.006:
            refund = _refund(rng, payments[-1], len(payments) - 1)
            if refund.paid_at < cutoff:
                payments.append(refund)
    return payments


def _instalments(rng: random.Random, total: Decimal, decided: datetime) -> list[tuple[Decimal, datetime]]:
    """How a customer pays an order: mostly in full weeks later, sometimes only partly or in two
    halves, and 3% never (the overdue receivables a handover has to chase)."""
    first = _office_hours(rng, decided.astimezone(CHINA).date() + timedelta(days=rng.randint(10, 60)))
    roll = rng.random()
    if roll < 0.03:
        return []
    if roll < 0.08:
        return [((total * rng.randint(30, 70) / 100).quantize(CENT), first)]
    if roll < 0.18:
        half = (total / 2).quantize(CENT)
        return [(half, first), (total - half, first + timedelta(days=rng.randint(20, 40)))]
    return [(total, first)]


def _refund(rng: random.Random, paid: _Payment, reverses: int) -> _Payment:
    """Part of a payment returned (damage compensation, overcharge), a few weeks later."""
    amount = (paid.amount * rng.randint(5, 20) / 100).quantize(CENT)
    at = paid.paid_at + timedelta(days=rng.randint(5, 30))
    note = rng.choice(data.REFUND_NOTES)
    return _Payment(paid.order, "refund", amount, at, paid.recorded_by, note, reverses)


def _fill(rng: random.Random, template: str, customer: _Customer) -> str:
    service = SERVICES[_weighted(rng, data.SERVICE_MIX[customer.home.industry])]
    return template.format(
        contact=customer.contact_name, service=service.name, unit=service.unit, qty=rng.randint(5, 80)
    )


def _plan_interactions(rng: random.Random, today: date, customers: list[_Customer]) -> list[_Record]:
    start = today - timedelta(days=HISTORY_DAYS)
    records: list[_Record] = []
    for index, customer in enumerate(customers):
        if customer.owner is None:
            records.extend(_pool_contacts(rng, today, index, customer))
            continue
        for day in _event_days(rng, start, today, customer.contact_pace, customer.activity):
            channel = _weighted(rng, data.CHANNEL_WEIGHTS)
            template = rng.choice(data.INTERACTION_TEMPLATES[channel])
            if customer.drop_from is not None and day >= customer.drop_from:
                channel, template = rng.choice(data.DROPPING_TEMPLATES)
            summary = _fill(rng, template, customer)
            records.append(_Record(index, customer.owner, summary, _office_hours(rng, day), channel))
        if customer.drop_from is not None:
            day = customer.drop_from - timedelta(days=rng.randint(5, 30))
            summary = _fill(rng, rng.choice(data.COMPETITOR_HINTS), customer)
            records.append(_Record(index, customer.owner, summary, _office_hours(rng, day), "visit"))
            manager = next(p.username for p in data.MANAGERS if p.team == customer.home.key)
            heard = today - timedelta(days=rng.randint(3, 20))
            summary = _fill(rng, rng.choice(data.DIVERSION_HINTS), customer)
            records.append(_Record(index, manager, summary, _office_hours(rng, heard), "phone"))
    records = _winding_down(today, records, customers) + _side_business(today, customers)
    records.sort(key=lambda r: r.at)
    return records


def _winding_down(today: date, records: list[_Record], customers: list[_Customer]) -> list[_Record]:
    """Before she resigns, 张伟 logs a visit or more every working day for a month — vague ones, for
    show — then in her last week all but stops: one contact left."""
    rng = random.Random(f"{data.SEED}-winding-down")
    since, month_before = _local(today - timedelta(days=7), 0), _local(today - timedelta(days=35), 0)
    last_week = sorted((r for r in records if r.employee == data.STAR_SELLER and r.at >= since), key=lambda r: r.at)
    dropped = {id(r) for r in last_week[:-1]}
    logged = sum(r.employee == data.STAR_SELLER and month_before <= r.at < since for r in records)
    hers = [(i, c) for i, c in enumerate(customers) if c.owner == data.STAR_SELLER]
    for _ in range(max(0, data.SHOW_VISITS - logged)):
        index, customer = rng.choice(hers)
        day = today - timedelta(days=rng.randint(8, 34))
        records.append(
            _Record(
                index,
                data.STAR_SELLER,
                _fill(rng, rng.choice(data.SHOW_VISIT_TEMPLATES), customer),
                _office_hours(rng, day),
                "visit",
            )
        )
    return [r for r in records if id(r) not in dropped]


def _side_business(today: date, customers: list[_Customer]) -> list[_Record]:
    """跑单: over the last month one salesperson quietly works a colleague's customers over WeChat.

    Drawn from a generator of its own, so the rest of the company stays row for row what it was."""
    rng = random.Random(f"{data.SEED}-side-business")
    theirs = [(i, c) for i, c in enumerate(customers) if c.owner == data.SIDE_BUSINESS[1]]
    records = []
    for _ in range(data.SIDE_BUSINESS_CONTACTS):
        index, customer = rng.choice(theirs)
        summary = _fill(rng, rng.choice(data.SIDE_BUSINESS_TEMPLATES), customer)
        day = today - timedelta(days=rng.randint(1, 28))
        records.append(
            _Record(index, data.SIDE_BUSINESS[0], summary, _office_hours(rng, day), "wechat", by_owner=False)
        )
    return records


def _pool_contacts(rng: random.Random, today: date, index: int, customer: _Customer) -> list[_Record]:
    """Leads in the unassigned pool: a seller of the matching team took a call or two."""
    members = [p.username for p in data.SELLERS if p.team == customer.home.key]
    records = []
    for _ in range(rng.randint(1, 3)):
        day = today - timedelta(days=rng.randint(1, 120))
        summary = _fill(rng, rng.choice(data.UNASSIGNED_TEMPLATES), customer)
        at = _office_hours(rng, day)
        records.append(_Record(index, rng.choice(members), summary, at, "phone", by_owner=False))
    return records


def _plan_complaints(
    rng: random.Random, today: date, customers: list[_Customer], orders: list[_Order]
) -> list[_Record]:
    """Occasional complaints after deliveries, and a few customers complaining again and again."""
    records: list[_Record] = []
    for order in orders:
        day = order.requested + timedelta(days=rng.randint(0, 3))
        if order.status == "approved" and rng.random() < 0.015 and day < today:
            records.append(_complaint(rng, order.customer, customers[order.customer], order.owner, day))
    steady = [i for i, c in enumerate(customers) if c.owner and c.drop_from is None and c.silent_from is None]
    for index in rng.sample(steady, data.REPEAT_COMPLAINERS):
        customer = customers[index]
        for _ in range(rng.randint(3, 4)):
            day = today - timedelta(days=rng.randint(2, 60))
            records.append(_complaint(rng, index, customer, customer.owner or "", day))
    records.sort(key=lambda r: r.at)
    return records


def _complaint(rng: random.Random, index: int, customer: _Customer, owner: str, day: date) -> _Record:
    templates = data.COMPLAINT_TEMPLATES + data.INDUSTRY_COMPLAINTS.get(customer.home.industry, ())
    summary = rng.choice(templates).format(n=rng.randint(1, 3))
    return _Record(index, owner, summary, _office_hours(rng, day))


# --- writing --------------------------------------------------------------------------------


def _write(session: Session, plan: _Plan, today: date, password_hash: str) -> None:
    staff, teams = _write_org(session, today, plan.phones, password_hash)
    insert_rows(
        session,
        Service,
        [
            {
                "code": s.code,
                "name": s.name,
                "unit": s.unit,
                "list_price": s.list_price,
                "floor_price": s.floor_price,
                "capacity_per_day": s.capacity_per_day,
            }
            for s in data.SERVICES
        ],
    )
    customer_ids = insert_returning_ids(session, Customer, [_customer_row(c, staff, teams) for c in plan.customers])
    order_ids = _write_orders(session, plan.orders, customer_ids, staff)
    _write_payments(session, plan.payments, order_ids, staff)
    for model, records in ((Interaction, plan.interactions), (Complaint, plan.complaints)):
        rows = [_record_row(model, r, customer_ids, staff) for r in records]
        insert_rows(session, model, rows)
    session.add(
        CommissionPlan(  # tiers on a salesperson's monthly collections, in force for the whole history
            version=1,
            effective_from=date(today.year - 3, 1, 1),
            tiers=data.COMMISSION_TIERS,
            service_rates={},
            hold_forfeit_days=180,
            created_by=staff["zhou.min"],
            created_at=_local(today - timedelta(days=HISTORY_DAYS), 9 * 60),
        )
    )
    session.add(
        Setting(
            key="order.head_threshold",
            value=data.HEAD_THRESHOLD,
            updated_by=staff["admin"],
            updated_at=_local(today - timedelta(days=HISTORY_DAYS), 9 * 60),
        )
    )


def _write_org(
    session: Session, today: date, phones: dict[str, str], password_hash: str
) -> tuple[dict[str, int], dict[str, int]]:
    """The sales department, its teams and every employee; returns ids by username and team key.

    Teams and employees point at each other, so rows are written tier by tier: the head and
    staff, then the sales managers, then their sellers, and finally the back-references.
    """
    department = Department(name=data.SALES_DEPARTMENT)
    session.add(department)
    session.flush()
    teams = {
        t.key: Team(
            name=t.name,
            region=t.region,
            industry=t.industry,
            department_id=department.id,
            created_at=_local(today - timedelta(days=t.years * 365), 9 * 60),
        )
        for t in data.TEAMS
    }
    session.add_all(teams.values())
    session.flush()
    team_ids = {key: team.id for key, team in teams.items()}
    ids: dict[str, int] = {}
    head = next(p.username for p in data.STAFF if p.role == "department_head")
    team_manager = {p.team: p.username for p in data.MANAGERS}
    for tier in (data.STAFF, data.MANAGERS, data.SELLERS):
        rows = []
        for person in tier:
            boss = {"sales_manager": head, "sales": team_manager.get(person.team)}.get(person.role)
            hired = _local(today - timedelta(days=round(person.years * 365.25)), 9 * 60)
            rows.append(
                Employee(
                    username=person.username,
                    name=person.name,
                    password_hash=password_hash,
                    roles=[person.role],
                    team_id=team_ids[person.team] if person.team else None,
                    manager_id=ids[boss] if boss else None,
                    email=f"{person.username}@{data.EMAIL_DOMAIN}",
                    phone=phones[person.username],
                    status="active",
                    order_freeze=False,
                    hired_on=hired,
                    created_at=hired,
                )
            )
        session.add_all(rows)
        session.flush()
        ids.update({e.username: e.id for e in rows})
    for key, team in teams.items():
        team.manager_id = ids[team_manager[key]]
    department.head_id = ids[head]
    session.flush()
    return ids, team_ids


def _customer_row(customer: _Customer, staff: dict[str, int], teams: dict[str, int]) -> dict[str, Any]:
    return {
        "name": customer.name,
        "region": customer.home.region,
        "industry": customer.home.industry,
        "size": customer.size,
        "contact_name": customer.contact_name,
        "contact_phone": customer.contact_phone,
        "address": customer.address,
        "credit_limit": customer.credit_limit,
        "owner_id": staff[customer.owner] if customer.owner else None,
        "team_id": teams[customer.home.key],  # a pool lead sits in its territory's team's pool
        "notes": customer.notes,
        # The preferences double as structured tags on the customer 360.
        "tags": [note for note in customer.notes.split("；") if note and "合作" not in note],
        "created_at": _local(customer.since, 10 * 60),
    }


def _write_orders(session: Session, orders: list[_Order], customer_ids: list[int], staff: dict[str, int]) -> list[int]:
    """Orders, then their lines, then ``order-<id>`` workflow ids (known only after insert)."""
    order_ids = insert_returning_ids(
        session,
        Order,
        [
            {
                "customer_id": customer_ids[o.customer],
                "owner_id": staff[o.owner],
                "status": o.status,
                "current_step": o.current_step,
                "requested_date": o.requested,
                "total": o.total,
                "revision": 1,
                "created_at": o.created,
                "decided_at": o.decided,
            }
            for o in orders
        ],
    )
    lines = [
        {
            "order_id": order_id,
            "service_code": line.code,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "amount": line.amount,
        }
        for order, order_id in zip(orders, order_ids, strict=True)
        for line in order.lines
    ]
    insert_rows(session, OrderLine, lines)
    update_by_id(session, Order, [{"id": i, "workflow_id": f"order-{i}"} for i in order_ids])
    return order_ids


def _write_payments(session: Session, payments: list[_Payment], order_ids: list[int], staff: dict[str, int]) -> None:
    """Payments first, so each refund can point at the payment it reverses."""

    def row(payment: _Payment, reverses_id: int | None) -> dict[str, Any]:
        return {
            "order_id": order_ids[payment.order],
            "kind": payment.kind,
            "amount": payment.amount,
            "paid_at": payment.paid_at,
            "reverses_id": reverses_id,
            "recorded_by": staff[payment.recorded_by],
            "note": payment.note,
            "created_at": payment.paid_at,
        }

    received = [i for i, p in enumerate(payments) if p.reverses is None]
    new_ids = insert_returning_ids(session, Payment, [row(payments[i], None) for i in received])
    ids = dict(zip(received, new_ids, strict=True))
    refunds = [row(p, ids[p.reverses]) for p in payments if p.reverses is not None]
    insert_rows(session, Payment, refunds)


def _record_row(model: Any, record: _Record, customer_ids: list[int], staff: dict[str, int]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "customer_id": customer_ids[record.customer],
        "summary": record.summary,
        "occurred_at": record.at,
        "created_at": record.at + timedelta(minutes=20),
    }
    if model is Interaction:
        row.update(employee_id=staff[record.employee], channel=record.channel, by_owner=record.by_owner)
    else:
        row.update(recorded_by=staff[record.employee])
    return row
