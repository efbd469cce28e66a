"""Risk alerts: the six rules, their editable thresholds, the alerts they raise and the scan.

Shared by the web layer (API bodies and views), the scan and follow-up workflows, and the
activities that evaluate rules and record what people did about an alert.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.deadlines import DAY, HOUR, WORKING, DeadlinePolicy, StepPolicy, deadline
from schemas.kernel.errors import N_, BatonError


class AlertRule(StrEnum):
    contact_drop = "contact_drop"
    orders_declining = "orders_declining"
    repeated_complaints = "repeated_complaints"
    unassigned_contacts = "unassigned_contacts"
    revenue_concentration = "revenue_concentration"
    customer_silent = "customer_silent"


class Severity(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"


SEVERITY_ORDER = (Severity.high, Severity.medium, Severity.low)
SEVERITY_LABELS: dict[str, str] = {
    Severity.high: N_("High risk"),
    Severity.medium: N_("Medium risk"),
    Severity.low: N_("Low risk"),
}


class AlertStatus(StrEnum):
    open = "open"  # raised, nobody has looked yet
    acknowledged = "acknowledged"  # the manager is on it
    resolved = "resolved"  # closed with a note; the rule may raise it again if the condition returns


ALERT_STATUS_LABELS: dict[str, str] = {  # "open" said as what it means: nobody has taken it up yet
    AlertStatus.open: N_("Awaiting follow-up"),
    AlertStatus.acknowledged: N_("Acknowledged"),
    AlertStatus.resolved: N_("Resolved"),
}


# The follow-up of a new alert (task ``alert_followup``, the team manager's) and its deadline.
ALERT_FOLLOWUP = StepPolicy(
    "alert.followup", N_("Risk alert follow-up"), deadline(2 * DAY, 8 * HOUR, DAY, 2 * DAY, WORKING)
)


class SubjectType(StrEnum):
    employee = "employee"
    customer = "customer"


# ----------------------------------------------------------------------------- thresholds
class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ContactDrop(Thresholds):
    """A salesperson's interactions in the last 7 days fall to ``drop_to`` or fewer after the
    ``baseline_weeks`` before averaged at least ``baseline_min`` a week."""

    baseline_weeks: int = Field(default=4, ge=1, le=12)
    baseline_min: Decimal = Field(default=Decimal("5"), gt=0, le=1000, decimal_places=1)
    drop_to: int = Field(default=1, ge=0, le=1000)

    @model_validator(mode="after")
    def _drop_below_baseline(self) -> ContactDrop:
        if self.drop_to >= self.baseline_min:
            raise ValueError(N_("The drop must go below the baseline."))
        return self


class OrdersDeclining(Thresholds):
    """A customer's monthly order value (approved orders, by company month) falls ``months``
    complete months in a row, ending at least ``min_drop_pct`` % below where it started (so a
    wobble of a few yuan is not a trend)."""

    months: int = Field(default=3, ge=1, le=12)
    min_drop_pct: Decimal = Field(default=Decimal("20"), ge=0, le=100, decimal_places=1)


class RepeatedComplaints(Thresholds):
    """``min_complaints`` or more complaints from a customer within ``days``."""

    min_complaints: int = Field(default=2, ge=2, le=100)
    days: int = Field(default=60, ge=1, le=365)


class UnassignedContacts(Thresholds):
    """More than ``max_contacts`` interactions in ``days`` by a salesperson with customers another
    salesperson owns."""

    max_contacts: int = Field(default=5, ge=0, le=10000)
    days: int = Field(default=30, ge=1, le=365)


class RevenueConcentration(Thresholds):
    """One salesperson's customers bring more than ``share_pct`` % of the company's approved order
    value over the last ``months`` months."""

    share_pct: Decimal = Field(default=Decimal("15"), gt=0, lt=100, decimal_places=2)
    months: int = Field(default=12, ge=1, le=36)


class CustomerSilent(Thresholds):
    """No interaction and no order with an assigned customer for ``days`` days."""

    days: int = Field(default=90, ge=7, le=730)


THRESHOLDS: dict[AlertRule, type[Thresholds]] = {
    AlertRule.contact_drop: ContactDrop,
    AlertRule.orders_declining: OrdersDeclining,
    AlertRule.repeated_complaints: RepeatedComplaints,
    AlertRule.unassigned_contacts: UnassignedContacts,
    AlertRule.revenue_concentration: RevenueConcentration,
    AlertRule.customer_silent: CustomerSilent,
}

SUBJECT_OF: dict[AlertRule, SubjectType] = {
    AlertRule.contact_drop: SubjectType.employee,
    AlertRule.orders_declining: SubjectType.customer,
    AlertRule.repeated_complaints: SubjectType.customer,
    AlertRule.unassigned_contacts: SubjectType.employee,
    AlertRule.revenue_concentration: SubjectType.employee,
    AlertRule.customer_silent: SubjectType.customer,
}

DEFAULT_SEVERITY: dict[AlertRule, Severity] = {
    AlertRule.contact_drop: Severity.medium,
    AlertRule.orders_declining: Severity.high,
    AlertRule.repeated_complaints: Severity.medium,
    AlertRule.unassigned_contacts: Severity.high,
    AlertRule.revenue_concentration: Severity.medium,
    AlertRule.customer_silent: Severity.low,
}

RULE_LABELS: dict[AlertRule, str] = {
    AlertRule.contact_drop: N_("Contact drop"),
    AlertRule.orders_declining: N_("Orders declining"),
    AlertRule.repeated_complaints: N_("Repeated complaints"),
    AlertRule.unassigned_contacts: N_("Contacts with others' customers"),
    AlertRule.revenue_concentration: N_("Revenue concentration"),
    AlertRule.customer_silent: N_("Customer silent"),
}


class RuleSettings(BaseModel):
    """A rule as the scan uses it: on or off, how severe its alerts are, its thresholds."""

    rule: AlertRule
    enabled: bool = True
    severity: Severity
    thresholds: dict[str, Any]
    updated_by: int | None = None
    updated_at: datetime | None = None

    def parsed(self) -> Thresholds:
        return THRESHOLDS[self.rule].model_validate(self.thresholds)

    def flat(self) -> dict[str, Any]:
        """The API's shape, the same as the body of ``PUT /api/alert-rules/{rule}``."""
        values = self.parsed().model_dump(mode="json")
        return {
            "rule": self.rule.value,
            "enabled": self.enabled,
            "severity": self.severity.value,
            **values,
            "updated_by": self.updated_by,
            "updated_at": self.updated_at,
        }


def default_settings(rule: AlertRule) -> RuleSettings:
    return RuleSettings(
        rule=rule, severity=DEFAULT_SEVERITY[rule], thresholds=THRESHOLDS[rule]().model_dump(mode="json")
    )


# ----------------------------------------------------------------------------- API views
class AlertOut(BaseModel):
    """``GET /api/alerts``: the contract's fields first, then what the pages use."""

    id: int
    rule: AlertRule
    subject_type: SubjectType
    subject_id: int
    severity: Severity
    status: AlertStatus
    detail: dict[str, Any]
    created_at: datetime
    subject_name: str = ""
    team_id: int | None = None
    team_name: str | None = None
    assignee_id: int | None = None
    workflow_id: str | None = None
    task_id: str | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: int | None = None
    resolved_at: datetime | None = None
    resolved_by: int | None = None
    resolution_note: str | None = None
    condition_cleared_at: datetime | None = None  # a later scan no longer found the condition


class ScanOut(BaseModel):
    created: int
    scan_id: int
    workflow_id: str


# ----------------------------------------------------------------------------- the processes
class ScanStart(BaseModel):
    trigger: str = "schedule"  # schedule / manual
    started_by: int | None = None


class ScanMoment(BaseModel):
    start: ScanStart
    at: datetime


class ScanBegun(BaseModel):
    scan_id: int
    rules: list[AlertRule]
    policy: DeadlinePolicy  # ``alert.followup`` as it stands when the scan begins


class RuleRun(BaseModel):
    scan_id: int
    rule: AlertRule
    position: int  # of the scan's rules, for its progress
    at: datetime  # the scan's clock: every rule of one scan judges the same moment


class RaisedAlert(BaseModel):
    """A new alert of this scan and whom its follow-up goes to (None: the department head role)."""

    alert_id: int
    rule: AlertRule
    subject: str
    assignee_id: int | None


class ScanFinished(BaseModel):
    scan_id: int
    created: int
    at: datetime


class FollowUpStart(BaseModel):
    alert: RaisedAlert
    policy: DeadlinePolicy


class AlertDecision(BaseModel):
    """What a person did with an alert, as the follow-up records it."""

    alert_id: int
    status: AlertStatus
    actor_id: int
    note: str | None = None
    at: datetime


# ----------------------------------------------------------------------------- refusals
class NoSuchRule(BatonError):
    code, status, message = "unknown_rule", 404, N_("There is no alert rule with this name.")


class ScanStillRunning(BatonError):
    code, status, message = "scan_running", 503, N_("The scan is still running. Its alerts appear when it ends.")
