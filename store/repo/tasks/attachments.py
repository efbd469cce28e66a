"""Evidence files on tasks: the rows, and who may see them.

A task's evidence is seen by the people the task concerns: whoever holds it now, whoever completed
it, and HR and admin (who audit handovers); the evidence of a handover item also by everyone who
may read the offboarding case (its managers and sign-off parties). Everyone else is answered as if the file did not
exist, so ids cannot be probed. Files not attached to a task (interaction records) are not served
through here.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Attachment, Offboarding, Task
from store.repo.audit import chain as audit
from store.repo.customers.visibility import Viewer
from store.repo.offboarding import records as offboardings
from store.repo.tasks import records as task_repo


def visible(
    session: Session, attachment_id: int, *, employee_id: int, roles: frozenset[str] | list[str], team_id: int | None
) -> Attachment | None:
    """The attachment, if it is on a task the viewer may see."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.task_id is None:
        return None
    task = task_repo.visible(session, attachment.task_id, employee_id=employee_id, roles=roles, team_id=team_id)
    if task is None:
        task = session.get(Task, attachment.task_id)
        if task is None or not _case_reader(session, task, Viewer(employee_id, frozenset(roles), team_id)):
            return None
    return attachment


def _case_reader(session: Session, task: Task, viewer: Viewer) -> bool:
    if task.process != "offboarding" or not task.process_id.isdigit():
        return False
    case = session.get(Offboarding, int(task.process_id))
    return case is not None and offboardings.may_read(session, viewer, case)


def for_task(session: Session, task_id: str) -> list[Attachment]:
    return list(session.scalars(select(Attachment).where(Attachment.task_id == task_id).order_by(Attachment.id)))


def add_to_task(
    session: Session, task: Task, *, filename: str, content_type: str, size: int, sha256: str, uploaded_by: int
) -> Attachment:
    """Record an uploaded file on a task, with an audit entry naming its hash (the evidence trail)."""
    attachment = Attachment(
        task_id=task.id, filename=filename, content_type=content_type, size=size, sha256=sha256, uploaded_by=uploaded_by
    )
    session.add(attachment)
    session.flush()
    audit.record(
        session,
        actor_id=uploaded_by,
        action="attachment.added",
        entity="attachment",
        entity_id=attachment.id,
        detail={"task_id": task.id, "filename": filename, "size": size, "sha256": sha256},
    )
    return attachment
