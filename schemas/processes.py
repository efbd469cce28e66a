"""A process as the process list shows it: the order, handover or settlement, who it is about,
where it stands and whether work in it is overdue."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class ProcessOut(BaseModel):
    workflow_id: str
    kind: str
    process_id: str
    subject: str
    status: str
    person_id: int | None
    started_at: datetime
    overdue: bool


class ProcessPage(BaseModel):
    items: list[ProcessOut]
    total: int
