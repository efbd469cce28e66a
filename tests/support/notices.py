"""Helpers for notification tests: write a bell row as ``notify.in_app`` does, give people e-mail."""

from __future__ import annotations

import uuid

from activities.notifications.notify import NotificationRequest, NotifyActivities
from store.db import Database
from store.models import Employee
from tests.support.org import OrgFixture


def write_notification(
    db: Database, recipient_id: int, title: str = "新任务：交接客户档案", body: str = "", kind: str = "info"
) -> int:
    request = NotificationRequest(
        recipient_id=recipient_id, kind=kind, title=title, body=body, dedupe_key=f"test:{uuid.uuid4().hex}"
    )
    return NotifyActivities(db).in_app(request)


def give_emails(db: Database, org: OrgFixture) -> dict[str, str]:
    """Everyone in the test organisation gets ``<username>@huatong.example``."""
    with db.session() as session:
        for username, employee_id in org.ids.items():
            employee = session.get(Employee, employee_id)
            assert employee is not None
            employee.email = f"{username}@huatong.example"
    return {username: f"{username}@huatong.example" for username in org.ids}
