"""Sales orders: what a salesperson submits, what the approval process decides, what the API shows.

The same models cross every layer: the web layer parses :class:`OrderIn`, the order workflow
receives a :class:`Submission` (an Update), the ``orders.*`` activities answer
:class:`SubmissionCheck` with its problems or the approval chain it needs.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from schemas.deadlines import DAY, HOUR, PolicySnapshot, StepPolicy, deadline
from schemas.kernel.errors import N_, BatonError
from schemas.kernel.ids import RecordId
from schemas.kernel.money import MoneyOut, Price
from schemas.org import Role
from schemas.services import MAX_QUANTITY
from schemas.tasks import Actor

MAX_LINES = 100
MAX_NOTE = 500  # the note for the approvers: read on a phone, beside the lines


class OrderStatus(StrEnum):
    draft = "draft"  # id reserved while the first submission is checked; never listed
    pending_approval = "pending_approval"
    approved = "approved"
    rejected = "rejected"
    expired = "expired"
    cancelled = "cancelled"


class ApprovalStep(StrEnum):
    manager = "manager"
    head = "head"
    finance = "finance"


class Approval(NamedTuple):
    """One approval step: its deadline, the approver's task title and the step's name on the order
    pages (message ids), and the role deciding it when nobody is named (:meth:`ChainPlan.named_approver`)."""

    step: ApprovalStep
    policy: StepPolicy
    title: str
    label: str
    role: Role


# The chain in order; the head step only when the order needs it (``store/repo/orders/checks.py``).
APPROVALS = (
    Approval(
        ApprovalStep.manager,
        StepPolicy(
            "order.manager_approval",
            N_("Order approval by the team manager"),
            deadline(8 * HOUR, 2 * HOUR, 4 * HOUR, DAY),
        ),
        N_("Approve order #%(order)s (team manager)"),
        N_("Team manager"),
        Role.sales_manager,
    ),
    Approval(
        ApprovalStep.head,
        StepPolicy(
            "order.head_approval", N_("Order approval by the department head"), deadline(DAY, 4 * HOUR, 8 * HOUR, DAY)
        ),
        N_("Approve order #%(order)s (department head)"),
        N_("Department head"),
        Role.department_head,
    ),
    Approval(
        ApprovalStep.finance,
        StepPolicy("order.finance_approval", N_("Order approval by finance"), deadline(DAY, 4 * HOUR, 8 * HOUR, DAY)),
        N_("Approve order #%(order)s (finance)"),
        N_("Finance"),
        Role.finance,
    ),
)
APPROVAL_OF = {approval.step: approval for approval in APPROVALS}
ORDER_EXPIRY = StepPolicy("order.expiry", N_("An undecided order expires"), deadline(7 * DAY), due_only=True)
ORDER_POLICIES = (*(approval.policy for approval in APPROVALS), ORDER_EXPIRY)

# The stable codes of failed order checks (API.md "Orders and payments").
CHECK_MESSAGES = {
    "customer_incomplete": N_("The customer's profile is incomplete: %(fields)s."),
    "not_customer_owner": N_("This customer is not yours."),
    "employee_frozen": N_("You are in a handover: no new orders during handover."),
    "below_floor_price": N_("%(service)s: the price %(price)s is below the floor price %(floor)s."),
    "over_credit_limit": N_("Open receivables %(open)s plus this order %(total)s exceed the credit limit %(limit)s."),
    "no_capacity": N_("%(service)s: only %(left)s %(unit)s left on %(day)s, this order needs %(quantity)s."),
}


class OrderLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service: str = Field(min_length=1, max_length=40)
    quantity: int = Field(gt=0, le=MAX_QUANTITY)
    unit_price: Price


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: RecordId
    requested_date: date
    lines: list[OrderLineIn] = Field(min_length=1, max_length=MAX_LINES)
    note: str = Field(default="", max_length=MAX_NOTE)


class ResubmitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lines: list[OrderLineIn] = Field(min_length=1, max_length=MAX_LINES)
    requested_date: date | None = None
    note: str | None = Field(default=None, max_length=MAX_NOTE)


class Submission(BaseModel):
    """The ``submit`` Update: the first submission or a revision after a rejection."""

    order_id: int
    revision: int
    actor: Actor
    requested_date: date
    lines: list[OrderLineIn]
    note: str = ""
    expires_at: datetime | None = None


class Problem(BaseModel):
    code: str
    message: str
    params: dict[str, str] = Field(default_factory=dict)
    line: int | None = None

    def detail(self) -> dict[str, Any]:
        found: dict[str, Any] = {"code": self.code, "message": self.message, "params": self.params}
        if self.line is not None:
            found["line"] = self.line
        return found


class PlannedLine(BaseModel):
    """An order line as the approvers read it on their task: the service by name, the figures."""

    service: str
    service_name: str
    quantity: int
    unit_price: MoneyOut
    amount: MoneyOut


class ChainPlan(BaseModel):
    """Who approves a valid submission, and in which steps; and what each approver's task shows so
    they decide from it alone (the seller, the lines, the salesperson's note, the warnings)."""

    steps: list[ApprovalStep]
    manager_id: int | None
    head_id: int | None
    total: Decimal
    warnings: list[dict[str, str]] = Field(default_factory=list)
    subject: str = ""
    seller_id: int | None = None
    seller: str = ""
    note: str = ""
    lines: list[PlannedLine] = Field(default_factory=list)

    def named_approver(self, step: ApprovalStep) -> int | None:
        """The seller's manager or department head for their step; None: anyone holding its role."""
        return {ApprovalStep.manager: self.manager_id, ApprovalStep.head: self.head_id}.get(step)


class SubmissionCheck(BaseModel):
    """The validation activity's answer: every problem at once, or the plan for approval."""

    problems: list[Problem] = Field(default_factory=list)
    plan: ChainPlan | None = None


class SubmissionResult(BaseModel):
    """What the ``submit`` Update answers the web layer."""

    accepted: bool
    revision: int
    problems: list[Problem] = Field(default_factory=list)
    next_task: str | None = None  # accepted: the first approval task, open; None once decided
    status: OrderStatus | None = None  # accepted: where the order stands when answered


class OrderStart(BaseModel):
    """The order workflow's input: set once when the order id is reserved."""

    order_id: int
    owner_id: int
    policies: PolicySnapshot
    adopted: bool = False  # an order already pending before Baton ran it (demo, import)


class CancelRequest(BaseModel):
    actor: Actor
    reason: str = ""
    expires_at: datetime | None = None


class OrderOutcome(BaseModel):
    """A change of the order's state the ``orders.record`` activity writes."""

    order_id: int
    revision: int
    status: OrderStatus
    current_step: ApprovalStep | None = None
    actor_id: int | None = None
    comment: str | None = None


class OrderState(BaseModel):
    """The order workflow's own view (its ``order_state`` query)."""

    status: OrderStatus
    revision: int
    current_step: ApprovalStep | None = None


# ---------------------------------------------------------------- API views
class ApprovalOut(BaseModel):
    step: str
    revision: int
    actor_id: int | None
    decision: str | None
    comment: str | None
    at: datetime | None


class OrderLineOut(BaseModel):
    service: str
    service_name: str = ""
    quantity: int
    unit_price: MoneyOut
    amount: MoneyOut
    list_price: MoneyOut | None = None
    floor_price: MoneyOut | None = None


class OrderOut(BaseModel):
    id: int
    status: OrderStatus
    current_step: ApprovalStep | None
    total: MoneyOut
    revision: int
    approvals: list[ApprovalOut] = Field(default_factory=list)
    workflow_id: str | None
    customer_id: int
    customer_name: str = ""
    owner_id: int
    requested_date: date
    lines: list[OrderLineOut] = Field(default_factory=list)
    waiting_on: list[int] = Field(default_factory=list)
    due_at: datetime | None = None
    collected: MoneyOut = Decimal("0")
    outstanding: MoneyOut | None = None  # what is still owed, on an approved order
    note: str = ""
    created_at: datetime | None = None
    decided_at: datetime | None = None


# ---------------------------------------------------------------- errors
class OrderInvalid(BatonError):
    code, status, message = "order_invalid", 422, N_("The order did not pass its checks.")


class OrderNotEditable(BatonError):
    code, status, message = "order_not_editable", 409, N_("Only a rejected order can be revised and resubmitted.")


class OrderNotCancellable(BatonError):
    code, status, message = "order_not_cancellable", 409, N_("Only an order waiting for approval can be cancelled.")


class NotOrderOwner(BatonError):
    code, status, message = "not_order_owner", 403, N_("Only the salesperson who owns this order can do this.")


# The workflow validator's ApplicationError.type → the error the caller sees.
ORDER_REFUSALS: dict[str, type[BatonError]] = {
    "order_not_editable": OrderNotEditable,
    "order_not_cancellable": OrderNotCancellable,
    "not_order_owner": NotOrderOwner,
}
