"""Offboarding, commission and risk alerts in the second company (tests/support/second_company.py),
over the API on the time-skipping server: each case reaches the people of its own department and
team — the leaver's own head signs off, each team's manager reviews their own team's commission
(through their deputy while away), and each alert's follow-up goes to the manager of the person
it is about."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from temporalio.testing import WorkflowEnvironment

from activities.offboarding import STARTED
from schemas.offboarding import review_step, task_id_of
from store.db import Database
from store.models import Alert, Notification, Task
from store.models.base import utcnow
from tests.commission.test_settlement import team_task
from tests.support.clock import company_today
from tests.support.commission import day_in, last_period, pay, sale, wait_for_settlement
from tests.support.offboarding import act, item_task, start_case, wait_for_case
from tests.support.risk import Books
from tests.support.second_company import SecondCompany
from tests.support.steps import wait_for_row, wait_for_task

ONE_ITEM = {
    "items": [{"key": "key_contacts", "title": "交接关键联系人", "assignee": "employee", "evidence": "comment"}]
}


async def test_an_offboarding_in_the_south_is_told_to_and_signed_off_by_the_souths_own_head(
    second_skipping_api, db: Database, second_company: SecondCompany
) -> None:  # type: ignore[no-untyped-def]
    api, company = second_skipping_api, second_company
    admin, hr = await api("admin"), await api("hr")
    assert (await admin.put("/api/offboarding-templates/sales", json=ONE_ITEM)).status_code == 200
    created = await start_case(hr, company["s1b"], company_today() + timedelta(days=7))
    case_id = created["id"]
    with db.session() as session:
        told = set(
            session.scalars(
                select(Notification.recipient_id).where(
                    Notification.process_id == created["workflow_id"], Notification.message_id == STARTED
                )
            )
        )
    assert told == {company["mgr_s1"], company["head_south"], company["hr"]}, "the north hears nothing of it"

    item = await item_task(db, case_id, "key_contacts")
    assert item.assignee_id == company["s1b"]
    assert (await act(await api("s1b"), item.id, "done", comment="客户联系人已交给吴婷")).status_code == 200
    await wait_for_case(db, case_id, "review")
    reviews = {
        role: await wait_for_row(
            db,
            Task,
            task_id_of(created["workflow_id"], case_id, review_step(role, 1)),
            lambda task: task.status == "open",
        )
        for role in ("department_head", "hr", "finance")
    }
    assert reviews["department_head"].assignee_id == company["head_south"]
    assert (reviews["hr"].candidate_role, reviews["finance"].candidate_role) == ("hr", "finance")
    assert (await act(await api("head_north"), reviews["department_head"].id, "approve")).status_code in (403, 404)
    assert (await act(await api("head_south"), reviews["department_head"].id, "approve")).status_code == 200
    case = (await hr.get(f"/api/offboardings/{case_id}")).json()
    assert {row["role"]: row["status"] for row in case["reviews"]}["department_head"] == "approved"


async def test_each_team_manager_reviews_their_own_teams_commission(
    second_skipping_api,
    time_skipping_env: WorkflowEnvironment,
    db: Database,  # type: ignore[no-untyped-def]
    second_company: SecondCompany,
) -> None:
    api, company = second_skipping_api, second_company
    period = last_period()
    finance = await api("finance")
    plan = {"tiers": [{"from": "0", "rate": "0.02"}], "effective_from": "2020-01"}
    assert (await finance.put("/api/commission/plan", json=plan)).status_code == 200
    for seller in ("s1a", "s2a", "mgr_s2", "n1a", "w1", "solo"):
        pay(db, sale(db, company, seller, "10000.00"), "10000.00", day_in(period, 5))
    assert (await finance.post("/api/commission/settlements", json={"period": period})).status_code == 201
    await wait_for_settlement(db, period, "employee_review")
    workflow_id = f"commission-{period}"
    await time_skipping_env.fast_forward(time_skipping_env.client.get_workflow_handle(workflow_id), timedelta(days=10))
    tasks = {key: await team_task(db, workflow_id, company.team_ids[key]) for key in ("s1", "s2", "n1", "w")}
    assert {key: (task.assignee_id, task.delegated_from_id) for key, task in tasks.items()} == {
        "s1": (company["mgr_s1"], None),
        "s2": (company["mgr_s2"], None),  # 冯刚's own sales are in his team's statements
        "n1": (company["n1b"], company["mgr_n1"]),  # 蒋丽 is away: her deputy has it
        "w": (company["mgr_w"], None),
    }
    with db.session() as session:
        opened = list(session.scalars(select(Task.kind).where(Task.workflow_id == workflow_id)))
    assert opened == ["commission_review"] * 4, "孔亮 has no team: no fifth review"
    inbox = (await (await api("mgr_s1")).get("/api/tasks?status=open")).json()["items"]
    assert [task["id"] for task in inbox] == [tasks["s1"].id], "a manager sees their own team's review only"
    for key, username in (("s1", "mgr_s1"), ("s2", "mgr_s2"), ("n1", "n1b"), ("w", "mgr_w")):
        assert (await act(await api(username), tasks[key].id, "approve")).status_code == 200, key


async def test_each_alert_is_followed_up_by_the_manager_of_the_person_it_is_about(
    second_skipping_api, db: Database, second_company: SecondCompany
) -> None:  # type: ignore[no-untyped-def]
    api, company = second_skipping_api, second_company
    books = Books(db, company, now=utcnow())
    silent = {
        seller: books.customer(seller, team=team)
        for seller, team in (("s1a", "s1"), ("n1a", "n1"), ("solo", None), ("mgr_s2", "s2"))
    }
    for seller, customer in silent.items():
        books.contacts(seller, customer, [books.ago(200)])
    concentrated = books.customer("mgr_s2", team="s2")  # 冯刚 alone brings all of the year's revenue
    books.order(concentrated, "mgr_s2", "50000.00", books.ago(30))
    scanned = await (await api("admin")).post("/api/alerts/scan")
    assert scanned.status_code == 200, scanned.text
    with db.session() as session:
        alerts = {(alert.rule, alert.subject_id): alert.id for alert in session.scalars(select(Alert))}
    expected = {  # alert → (assignee, delegated from)
        ("customer_silent", silent["s1a"]): (company["mgr_s1"], None),
        ("customer_silent", silent["n1a"]): (company["n1b"], company["mgr_n1"]),
        ("customer_silent", silent["solo"]): (company["head_north"], None),
        ("customer_silent", silent["mgr_s2"]): (company["head_south"], None),  # 冯刚's own customer: not him
        ("revenue_concentration", company["mgr_s2"]): (company["head_south"], None),
    }
    for key, holder in expected.items():
        assert key in alerts, f"{key} not raised: {sorted(alerts)}"
        task = await wait_for_task(db, f"alert-{alerts[key]}:follow-up")
        assert (task.assignee_id, task.delegated_from_id) == holder, key
