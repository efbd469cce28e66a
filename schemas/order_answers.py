"""What submitting an order answers over the JSON API (API.md "Orders and payments"): the order and,
additively, the approval task open for the submission, which its approver may act on at once."""

from __future__ import annotations

from pydantic import BaseModel, Field

from schemas.orders import OrderOut, OrderStatus

NEXT_TASK = Field(
    None,
    description="The id of the approval task open for this submission, ready to act on "
    "(`POST /api/tasks/{id}/complete`); null when the order was decided before one opened.",
)


class OrderCreated(BaseModel):
    id: int
    status: OrderStatus
    workflow_id: str
    next_task: str | None = NEXT_TASK


class OrderResubmitted(OrderOut):
    next_task: str | None = NEXT_TASK
