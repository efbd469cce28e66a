"""Offboarding a salesperson: the handover checklist, the customer reassignment plan, the
three-party review and the final confirmation.

Shared by the web layer (API bodies and views), the workflow (its start, state and the blockers
that keep a case from completing) and the activities that write the records.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator

from schemas.deadlines import DAY, HOUR, WORKING, PolicySnapshot, StepPolicy, deadline
from schemas.kernel.errors import N_, BatonError, Forbidden
from schemas.kernel.ids import RecordId
from schemas.tasks import Actor


class OffboardingStatus(StrEnum):
    handover = "handover"
    review = "review"
    final = "final"
    completed = "completed"
    cancelled = "cancelled"


OPEN_STATUSES = (OffboardingStatus.handover, OffboardingStatus.review, OffboardingStatus.final)


class ItemStatus(StrEnum):
    open = "open"
    done = "done"
    returned = "returned"


class ReviewRole(StrEnum):
    department_head = "department_head"
    hr = "hr"
    finance = "finance"


class ReviewStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class PlanStatus(StrEnum):
    """A reassignment plan: proposed by the manager, executed by the process, or cancelled with the case."""

    proposed = "proposed"
    executed = "executed"
    cancelled = "cancelled"


class Evidence(StrEnum):
    """What a checklist item needs before ``done`` is accepted."""

    attachment = "attachment"  # at least one file uploaded to the item's task
    orders = "orders"  # a collection plan per customer still owing (data.customers) or per owed order (data.orders)
    followups = "followups"  # every customer of the employee contacted since the handover began
    declaration = "declaration"  # data.declaration: a written statement
    comment = "comment"  # a comment saying what was handed over


class ItemAssignee(StrEnum):
    """Who does an item: the leaver, their manager, or anyone holding a role."""

    employee = "employee"
    manager = "manager"
    finance = "finance"
    admin = "admin"
    hr = "hr"


class TemplateItem(BaseModel):
    """One line of an admin-editable checklist template."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    title: str = Field(min_length=1, max_length=100)
    assignee: ItemAssignee = ItemAssignee.employee
    evidence: Evidence = Evidence.comment
    after_plan: bool = False  # opens only once the customers have moved to their successors


class ChecklistTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[TemplateItem] = Field(min_length=1, max_length=30)

    @field_validator("items")
    @classmethod
    def _unique_keys(cls, items: list[TemplateItem]) -> list[TemplateItem]:
        keys = [item.key for item in items]
        duplicated = sorted({key for key in keys if keys.count(key) > 1})
        if duplicated:
            raise ValueError(f"duplicate item keys: {', '.join(duplicated)}")
        return items


def _item(
    key: str,
    title: str,
    assignee: ItemAssignee = ItemAssignee.employee,
    evidence: Evidence = Evidence.comment,
    after_plan: bool = False,
) -> TemplateItem:
    return TemplateItem(key=key, title=title, assignee=assignee, evidence=evidence, after_plan=after_plan)


# The sales checklist (API.md "Offboarding"); titles are message ids shown in the reader's language.
SALES_TEMPLATE = ChecklistTemplate(
    items=[
        _item("customer_files", N_("Hand over customer files"), evidence=Evidence.attachment),
        _item("open_orders", N_("Confirm open orders"), evidence=Evidence.orders),
        _item("followup_records", N_("Upload customer follow-up records"), evidence=Evidence.followups),
        _item("competitor_contacts", N_("Declare contacts with competitors"), evidence=Evidence.declaration),
        _item("receivables", N_("Confirm receivables"), ItemAssignee.finance),
        _item("key_contacts", N_("Hand over customers' key contacts")),
        _item("contracts_quotes", N_("Hand over contracts and quotations"), evidence=Evidence.attachment),
        _item("accounts_devices", N_("Return accounts and devices"), ItemAssignee.admin),
        _item("experience_notes", N_("Write down business experience")),
        _item("customer_notice", N_("Confirm customers were told their new contact"), after_plan=True),
    ]
)
# Anyone else leaving: files, accounts and what they know.
GENERAL_TEMPLATE = ChecklistTemplate(
    items=[
        _item("work_files", N_("Hand over work files"), evidence=Evidence.attachment),
        _item("accounts_devices", N_("Return accounts and devices"), ItemAssignee.admin),
        _item("experience_notes", N_("Write down business experience")),
    ]
)
DEFAULT_TEMPLATES = {"sales": SALES_TEMPLATE, "general": GENERAL_TEMPLATE}
TEMPLATE_ROLES = tuple(DEFAULT_TEMPLATES)


class SignOff(NamedTuple):
    """One party of the three-party review, in the order the case page lists them: the title of
    its sign-off task and what the pages call the party (message ids)."""

    role: ReviewRole
    title: str
    party: str


SIGN_OFFS = (
    SignOff(
        ReviewRole.department_head, N_("Department head sign-off for %(person)s's offboarding"), N_("Department head")
    ),
    SignOff(ReviewRole.hr, N_("HR sign-off for %(person)s's offboarding"), N_("HR")),
    SignOff(ReviewRole.finance, N_("Finance sign-off for %(person)s's offboarding"), N_("Finance")),
)
REVIEW_TITLES = {sign_off.role: sign_off.title for sign_off in SIGN_OFFS}
PARTY_LABELS: dict[str, str] = {sign_off.role: sign_off.party for sign_off in SIGN_OFFS}

# The deadline of each kind of step: every checklist item, the manager's customer plan, each
# sign-off, HR's final confirmation.
ITEM_POLICY = StepPolicy(
    "offboarding.item", N_("Handover checklist item"), deadline(5 * DAY, DAY, DAY, 2 * DAY, WORKING)
)
PLAN_POLICY = StepPolicy(
    "offboarding.reassignment", N_("Customer reassignment plan"), deadline(3 * DAY, DAY, DAY, DAY, WORKING)
)
REVIEW_POLICY = StepPolicy(
    "offboarding.review", N_("Offboarding sign-off"), deadline(2 * DAY, 4 * HOUR, DAY, DAY, WORKING)
)
FINAL_POLICY = StepPolicy(
    "offboarding.final", N_("Final offboarding confirmation"), deadline(DAY, 4 * HOUR, DAY, DAY, WORKING)
)
OFFBOARDING_POLICIES = (ITEM_POLICY, PLAN_POLICY, REVIEW_POLICY, FINAL_POLICY)


PLAN_STEP = "reassignment-plan"
FINAL_STEP = "final"


def item_step(key: str, round_: int) -> str:
    return key if round_ == 1 else f"{key}-r{round_}"


def review_step(role: str, round_: int) -> str:
    return f"review-{role}-r{round_}"


def step_key(case_id: int, step: str) -> str:
    """Steps carry their case: a person's second offboarding (after a cancelled one) runs under
    the same workflow id, never under the same task ids."""
    return f"c{case_id}-{step}"


def task_id_of(workflow_id: str, case_id: int, step: str) -> str:
    return f"{workflow_id}:{step_key(case_id, step)}"


# ---------------------------------------------------------------- API bodies and views
class OffboardingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    employee_id: RecordId
    reason: str = Field(min_length=1, max_length=500)
    last_day: date


class OffboardingCreated(BaseModel):
    id: int
    workflow_id: str
    status: OffboardingStatus


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=500)


class ItemOut(BaseModel):
    key: str
    title: str
    status: ItemStatus
    assignee_id: int | None
    candidate_role: str | None = None
    due_at: datetime | None
    task_id: str | None
    evidence: Evidence
    round: int = 1
    done_by: int | None = None
    done_at: datetime | None = None
    comment: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class ReviewOut(BaseModel):
    role: ReviewRole
    status: ReviewStatus
    round: int
    reviewer_id: int | None = None
    comment: str | None = None
    returned_items: list[str] = Field(default_factory=list)
    task_id: str | None = None


class ReassignmentOut(BaseModel):
    customer_id: int
    customer_name: str = ""
    from_id: int
    to_id: int | None
    proposed_to_id: int | None
    status: PlanStatus


class Blocker(BaseModel):
    code: str
    message: str
    key: str | None = None
    role: ReviewRole | None = None

    def detail(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class OffboardingOut(BaseModel):
    id: int
    employee_id: int
    employee_name: str = ""
    workflow_id: str
    status: OffboardingStatus
    reason: str
    last_day: date
    started_at: datetime
    started_by: int | None
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None
    plan_executed: bool = False
    items: list[ItemOut]
    reviews: list[ReviewOut]
    reassignments: list[ReassignmentOut]
    blockers: list[dict[str, Any]]


# ---------------------------------------------------------------- the workflow's own models
class OffboardingStart(BaseModel):
    offboarding_id: int
    employee_id: int
    employee_name: str
    started_by: int
    started_at: datetime
    last_day_ends: datetime  # the end of the last working day, company time, in UTC
    policies: PolicySnapshot = Field(default_factory=PolicySnapshot)


class ItemPlan(BaseModel):
    """One checklist item as the workflow runs it: who does it and what it needs."""

    key: str
    title: str
    evidence: Evidence
    after_plan: bool = False
    assignee_id: int | None = None
    candidate_role: str | None = None


class Handover(BaseModel):
    """What ``offboarding.begin`` set up: the items, who approves the plan, who reviews."""

    items: list[ItemPlan]
    manager_id: int | None
    head_id: int | None
    customers: int = 0
    proposal: list[dict[str, int | None]] = Field(default_factory=list)
    notified: list[int] = Field(default_factory=list)


class ItemDone(BaseModel):
    offboarding_id: int
    key: str
    round: int
    task_id: str
    actor_id: int
    comment: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class ReviewDecision(BaseModel):
    offboarding_id: int
    role: ReviewRole
    round: int
    task_id: str
    actor_id: int
    approved: bool
    comment: str | None = None
    returned_items: list[str] = Field(default_factory=list)


class EvidenceCheck(BaseModel):
    """What the ``offboarding.evidence`` activity looks at before a decision is accepted."""

    offboarding_id: int
    employee_id: int
    started_at: datetime
    kind: str  # "item" or "plan"
    evidence: Evidence | None = None
    task_id: str
    data: dict[str, Any] = Field(default_factory=dict)


class PlanExecution(BaseModel):
    offboarding_id: int
    employee_id: int
    actor_id: int
    assignments: list[dict[str, int]]


class StatusChange(BaseModel):
    offboarding_id: int
    status: OffboardingStatus
    actor_id: int | None = None
    comment: str | None = None
    round: int = 0
    early_reason: str | None = None  # completed before the last working day: why HR confirmed it early


class LastDayNotice(BaseModel):
    offboarding_id: int
    day: int  # 1 on the first day after the last working day
    blockers: int


class CancelRequest(BaseModel):
    actor: Actor
    reason: str = ""
    expires_at: datetime | None = None


class CompleteRequest(BaseModel):
    actor: Actor
    comment: str | None = None
    expires_at: datetime | None = None
    # Before the last working day HR must say so explicitly, and why (else ``early_departure``).
    early: bool = False
    early_reason: str | None = None


class OffboardingState(BaseModel):
    status: OffboardingStatus
    review_round: int
    plan_executed: bool
    items: dict[str, ItemStatus]
    reviews: dict[str, ReviewStatus]
    blockers: list[Blocker]


def blockers_of(
    items: dict[str, ItemStatus], plan_executed: bool, reviews: dict[str, ReviewStatus], status: OffboardingStatus
) -> list[Blocker]:
    """What keeps a case from completing: every open item, an unexecuted plan, every missing
    sign-off. The workflow decides by this; the case page shows the same list."""
    found = [
        Blocker(code="item_open", key=key, message=N_("A checklist item is not done."))
        for key, item_status in items.items()
        if item_status != ItemStatus.done
    ]
    if not plan_executed:
        found.append(Blocker(code="plan_not_executed", message=N_("The customer reassignment plan is not executed.")))
    for role in ReviewRole:
        if reviews.get(role.value) != ReviewStatus.approved:
            found.append(Blocker(code="review_missing", role=role, message=N_("A sign-off is missing.")))
    if status in (OffboardingStatus.completed, OffboardingStatus.cancelled):
        return []
    return found


# ---------------------------------------------------------------- domain failures
class AlreadyOffboarding(BatonError):
    code, status, message = "already_offboarding", 409, N_("This employee already has an offboarding in progress.")


class OffboardingBlocked(BatonError):
    code, status, message = "offboarding_blocked", 409, N_("The offboarding cannot be completed yet.")


class OffboardingClosed(BatonError):
    code, status, message = "offboarding_closed", 409, N_("This offboarding is already closed.")


class EarlyDeparture(BatonError):
    code, status = "early_departure", 409
    message = N_("The last working day is still to come: confirm the early departure and say why.")


class EarlyReasonRequired(BatonError):
    code, status, message = "early_reason_required", 422, N_("Say why the person leaves before the last working day.")


OFFBOARDING_REFUSALS: dict[str, type[BatonError]] = {
    "not_hr": Forbidden,
    "offboarding_blocked": OffboardingBlocked,
    "offboarding_closed": OffboardingClosed,
    "early_departure": EarlyDeparture,
    "early_reason_required": EarlyReasonRequired,
}
