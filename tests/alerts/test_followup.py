"""Who follows an alert up, and what happens when nobody does: the follow-up reminds the team's
manager, flags it overdue, then climbs to the department head, with the process clock moved by
time skipping."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from temporalio.testing import WorkflowEnvironment

from schemas.alerts import SubjectType
from store.db import Database
from store.models import Employee, Task, Team
from store.models.base import utcnow
from store.repo.org.responsibility import alert_follow_up as responsible
from tests.support.deadlines import fast_forward_to
from tests.support.org import OrgFixture
from tests.support.risk import Books
from tests.support.steps import notifications, wait_for_task


async def test_an_alert_nobody_looks_at_reminds_flags_and_escalates(
    skipping_api,
    time_skipping_env: WorkflowEnvironment,
    db: Database,  # type: ignore[no-untyped-def]
    org: OrgFixture,
) -> None:
    books = Books(db, org, now=utcnow())
    silent = books.customer("sales_south")
    books.contacts("sales_south", silent, [books.ago(200)])
    scanned = await (await skipping_api("admin")).post("/api/alerts/scan")
    assert scanned.status_code == 200 and scanned.json()["created"] == 1
    alert = (await (await skipping_api("head")).get("/api/alerts")).json()[0]
    task = await wait_for_task(db, f"alert-{alert['id']}:follow-up")
    handle = time_skipping_env.client.get_workflow_handle(f"alert-{alert['id']}")
    # alert.followup: due in 2 working days (weekends and public holidays are in task.due_at), a
    # reminder 8 hours before, overdue daily, escalation 2 days past due.
    assert task.due_at is not None
    await fast_forward_to(time_skipping_env, handle, task.due_at + timedelta(days=2))
    notices = notifications(db, task.id)
    assert notices[(org["manager_south"], "reminder")] == 1
    assert notices[(org["manager_south"], "overdue")] >= 2
    assert notices[(org["head"], "escalation")] == 1
    with db.session() as session:
        row = session.get(Task, task.id)
        assert row is not None and row.overdue and row.escalated_to_id == org["head"] and row.status == "open"
    # the department head, to whom it escalated, may resolve it
    head = await skipping_api("head")
    done = await head.post(f"/api/tasks/{task.id}/complete", json={"action": "resolve", "comment": "已安排陈杰跟进"})
    assert done.status_code == 200, done.text
    assert (await head.get(f"/api/alerts/{alert['id']}")).json()["resolved_by"] == org["head"]


def test_the_follow_up_goes_to_the_subjects_team_manager_never_to_the_subject(db: Database, org: OrgFixture) -> None:
    books = Books(db, org)
    teamless = books.customer("sales_east", team=None)
    with db.session() as session:
        assert responsible(session, SubjectType.customer, teamless) == (org.team_ids["east"], org["manager_east"])
        assert responsible(session, SubjectType.employee, org["sales_south"]) == (
            org.team_ids["south"],
            org["manager_south"],
        )
        # a manager flagged themselves: their own manager follows it up
        assert responsible(session, SubjectType.employee, org["manager_south"]) == (org.team_ids["south"], org["head"])
        session.get(Team, org.team_ids["east"]).manager_id = None  # type: ignore[union-attr]
        assert responsible(session, SubjectType.employee, org["sales_east"]) == (
            org.team_ids["east"],
            org["manager_east"],
        )
        lone = session.scalars(select(Employee).where(Employee.id == org["sales_east"])).one()
        lone.manager_id = None
        # no manager at all: the head of the team's department
        assert responsible(session, SubjectType.employee, org["sales_east"]) == (org.team_ids["east"], org["head"])
        session.get(Team, org.team_ids["east"]).department_id = None  # type: ignore[union-attr]
        # nobody above: the department head role takes it
        assert responsible(session, SubjectType.employee, org["sales_east"]) == (org.team_ids["east"], None)
