"""Commission settlement: the plan, the monthly process and what it shows each person.

Shared by the web layer (API bodies and views), the workflow (its start, state and the updates
people send) and the activities that compute and record statements.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.commission_math import RATE_SCALE, parse_period
from schemas.deadlines import DAY, WORKING, PolicySnapshot, StepPolicy, deadline
from schemas.kernel.errors import N_, BatonError, Forbidden, InvalidInput
from schemas.kernel.ids import RecordId
from schemas.kernel.money import NonNegativeAmount, OptionalSignedAmount, SignedAmount
from schemas.tasks import Actor

MAX_RATE = Decimal("1")
MAX_TIERS = 20


class SettlementStatus(StrEnum):
    computing = "computing"
    employee_review = "employee_review"
    manager_review = "manager_review"
    finance_review = "finance_review"
    locked = "locked"


RECOMPUTABLE = (SettlementStatus.employee_review, SettlementStatus.manager_review)
# How long the employees may dispute their statement (``due_in``), and the deadline of each
# manager's review (task ``commission_review``) and of finance's approval (``commission_approval``).
COMMISSION_REVIEW = StepPolicy(
    "commission.review", N_("Commission statement review"), deadline(3 * DAY, DAY, DAY, 2 * DAY, WORKING)
)
# Who resolves a dispute on a statement with no team (no team manager holds a review for it).
UNTEAMED_RESOLVERS = ("finance", "department_head")


class LineKind(StrEnum):
    earned = "earned"  # a payment on an approved order, for the order's seller
    clawback = "clawback"  # a refund takes back part of what its payment earned (negative)
    held = "held"  # earned by a leaver on an order still owed: paid once the money is in
    released = "released"  # held commission whose order is now fully collected
    forfeited = "forfeited"  # held commission given up after the plan's days without payment
    adjustment = "adjustment"  # added or taken off by a person, with a reason


class DisputeStatus(StrEnum):
    open = "open"
    adjusted = "adjusted"
    rejected = "rejected"


def _period(value: str) -> str:
    try:
        parse_period(value)
    except ValueError:
        raise ValueError(N_("A period is written YYYY-MM, for example 2026-10.")) from None
    return value


# ----------------------------------------------------------------------------- the plan
class Tier(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: NonNegativeAmount = Field(alias="from")
    rate: Decimal = Field(ge=0, le=MAX_RATE, decimal_places=4)


class PlanIn(BaseModel):
    """Marginal tiers on the employee's collected amount in the period; services with a flat rate
    of their own; how many days held commission waits for the money before it is forfeited."""

    model_config = ConfigDict(extra="forbid")

    tiers: list[Tier] = Field(min_length=1, max_length=MAX_TIERS)
    service_rates: dict[str, Decimal] = Field(default_factory=dict)
    hold_forfeit_days: int | None = Field(default=None, ge=1, le=3650)
    effective_from: str | None = None  # a period; the current one when left out

    _check_period = field_validator("effective_from")(lambda value: value if value is None else _period(value))

    @field_validator("service_rates")
    @classmethod
    def _rates(cls, rates: dict[str, Decimal]) -> dict[str, Decimal]:
        for rate in rates.values():
            if rate < 0 or rate > MAX_RATE or rate != rate.quantize(Decimal(1) / RATE_SCALE):
                raise ValueError(N_("A rate is between 0 and 1 with at most four decimals."))
        return rates

    @model_validator(mode="after")
    def _sorted_tiers(self) -> PlanIn:
        if self.tiers[0].from_ != 0:
            raise ValueError(N_("The first tier starts at 0."))
        starts = [tier.from_ for tier in self.tiers]
        if any(later <= earlier for earlier, later in pairwise(starts)):
            raise ValueError(N_("Tiers are sorted by their start and do not overlap."))
        return self


class PlanOut(BaseModel):
    version: int
    effective_from: str
    tiers: list[dict[str, str]]
    service_rates: dict[str, str]
    hold_forfeit_days: int | None
    created_by: int | None
    created_at: datetime


# ----------------------------------------------------------------------------- API views
class SettlementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: str

    _check_period = field_validator("period")(_period)


class SettlementCreated(BaseModel):
    period: str
    status: SettlementStatus
    workflow_id: str


class DisputeOut(BaseModel):
    id: int
    employee_id: int
    payment_id: int
    kind: str
    comment: str
    status: DisputeStatus
    resolution: str
    resolved_by: int | None
    created_at: datetime


class LineOut(BaseModel):
    id: int | None
    order_id: int | None
    payment_id: int | None
    paid_at: datetime | None
    amount: str
    commission: str
    kind: LineKind
    reverses_payment_id: int | None = None
    reason: str | None = None
    dispute: DisputeOut | None = None
    customer_id: int | None = None
    customer_name: str | None = None
    payment_amount: str | None = None  # the payment (or refund) itself; a released line's own amount is 0
    rate: str | None = None  # the commission as a share of the money, "0.0300"; None on no money


class StatementOut(BaseModel):
    employee_id: int
    employee_name: str
    team_id: int | None
    collected: str
    refunded: str
    gross: str
    clawback: str
    held: str
    released: str
    forfeited: str
    adjustment: str
    net: str
    lines: list[LineOut] | None = None


class SettlementOut(BaseModel):
    period: str
    status: SettlementStatus
    workflow_id: str
    plan_version: int | None
    progress: float
    review_ends_at: datetime | None
    locked_at: datetime | None
    totals: dict[str, str]
    statements: list[StatementOut]


class SettlementRow(BaseModel):
    period: str
    status: SettlementStatus
    workflow_id: str
    plan_version: int | None
    progress: float
    statements: int
    net: str
    created_at: datetime


class DisputeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    payment_id: RecordId
    kind: LineKind
    comment: str = Field(min_length=1, max_length=2000)


class ResolutionIn(BaseModel):
    """The manager's answer to a dispute: ``adjust`` adds ``amount`` (negative takes off) to the
    employee's statement; ``reject`` leaves it. Either way the reason is written down."""

    model_config = ConfigDict(extra="forbid")

    decision: DisputeStatus
    amount: OptionalSignedAmount = None
    reason: str = Field(min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _amount_for_adjustment(self) -> ResolutionIn:
        if self.decision == DisputeStatus.open:
            raise ValueError(N_("Adjust or reject the dispute."))
        if self.decision == DisputeStatus.adjusted and (self.amount is None or self.amount == 0):
            raise ValueError(N_("An adjustment needs an amount other than zero."))
        return self


class CorrectionIn(BaseModel):
    """A correction to a locked period: it lands in the next open settlement."""

    model_config = ConfigDict(extra="forbid")

    employee_id: RecordId
    amount: SignedAmount
    reason: str = Field(min_length=1, max_length=2000)
    corrects_period: str

    _check_period = field_validator("corrects_period")(_period)


class CorrectionOut(BaseModel):
    id: int
    employee_id: int
    amount: str
    reason: str
    corrects_period: str | None
    settlement_period: str | None


# ----------------------------------------------------------------------------- the process
class SettlementStart(BaseModel):
    settlement_id: int
    period: str
    started_by: int | None
    policies: PolicySnapshot


class ComputeRequest(BaseModel):
    settlement_id: int
    run: int


class TeamReview(BaseModel):
    """A team with statements in the run and who reviews it (the manager, else the head)."""

    team_id: int
    team_name: str
    reviewer_id: int | None
    statements: int


class ComputeResult(BaseModel):
    run: int
    statements: int
    teams: list[TeamReview]


class ReviewOpened(BaseModel):
    ends_at: datetime
    notified: list[int] = Field(default_factory=list)


class StatusChange(BaseModel):
    settlement_id: int
    status: SettlementStatus
    actor_id: int | None = None
    comment: str | None = None
    at: datetime | None = None  # the process's clock: the review window counts from here


class DisputeRequest(BaseModel):
    """Sent by the web layer once it has checked the line is the actor's, in the current run."""

    actor: Actor
    settlement_id: int
    team_id: int | None
    payment_id: int
    kind: LineKind
    comment: str
    expires_at: datetime | None = None


class ResolutionRequest(BaseModel):
    actor: Actor
    dispute_id: int
    team_id: int | None
    decision: DisputeStatus
    amount: Decimal | None
    reason: str
    expires_at: datetime | None = None


class RecomputeRequest(BaseModel):
    actor: Actor
    expires_at: datetime | None = None


class SettlementState(BaseModel):
    status: SettlementStatus
    run: int
    round: int
    teams_approved: list[int]
    open_disputes: dict[str, int]  # team id (or "none") → open disputes


# ----------------------------------------------------------------------------- errors
class SettlementAlreadyExists(BatonError):
    code, status, message = "settlement_exists", 409, N_("This period already has a settlement.")


class PeriodNotOver(BatonError):
    code, status, message = "period_not_over", 422, N_("Only a month that has ended can be settled.")


class SettlementOutOfOrder(BatonError):
    code, status, message = (
        "settlement_out_of_order",
        409,
        N_("A later period is already settled; earlier periods can no longer be opened."),
    )


class NoCommissionPlan(BatonError):
    code, status, message = "no_commission_plan", 409, N_("No commission plan is in force for this period.")


class SettlementNotFound(BatonError):
    code, status, message = "settlement_not_found", 404, N_("There is no settlement for this period.")


class SettlementLocked(BatonError):
    code, status, message = (
        "settlement_locked",
        409,
        N_("This settlement is locked; corrections go into the next period."),
    )


class ReviewClosed(BatonError):
    code, status, message = "review_closed", 409, N_("The statement review window is closed.")


class LineNotFound(BatonError):
    code, status, message = "line_not_found", 404, N_("There is no such line on your statement.")


class AlreadyDisputed(BatonError):
    code, status, message = "already_disputed", 409, N_("This line is already disputed.")


class DisputeNotFound(BatonError):
    code, status, message = "dispute_not_found", 404, N_("There is no such dispute.")


class DisputeResolved(BatonError):
    code, status, message = "dispute_resolved", 409, N_("This dispute is already resolved.")


class NotManagerReview(BatonError):
    code, status, message = ("not_manager_review", 409, N_("Disputes are resolved during the managers' review."))


class DisputesOpen(BatonError):
    code, status, message = "disputes_open", 409, N_("Resolve every dispute of the team first.")


class RecomputeNotAllowed(BatonError):
    code, status, message = (
        "recompute_not_allowed",
        409,
        N_("A settlement can be recomputed only before finance reviews it."),
    )


class PlanPeriodLocked(BatonError):
    code, status, message = (
        "plan_period_locked",
        409,
        N_("That period is already locked; a new plan can take effect after it."),
    )


class SettlementClosed(BatonError):
    code, status, message = "settlement_closed", 409, N_("This settlement is no longer running.")


COMMISSION_REFUSALS: dict[str, type[BatonError]] = {
    "settlement_locked": SettlementLocked,
    "review_closed": ReviewClosed,
    "already_disputed": AlreadyDisputed,
    "dispute_resolved": DisputeResolved,
    "not_manager_review": NotManagerReview,
    "disputes_open": DisputesOpen,
    "recompute_not_allowed": RecomputeNotAllowed,
    "not_your_task": Forbidden,
    "not_reviewer": Forbidden,
    "invalid_input": InvalidInput,
}
