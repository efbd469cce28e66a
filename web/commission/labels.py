"""What the commission pages call things: settlement and dispute statuses, the kinds of statement
line and what each means to the person reading their statement, and rates in per cent.

Every label is an English message id, translated where it is shown; :func:`install` makes them
the filters the commission templates use.
"""

from __future__ import annotations

from decimal import Decimal

from jinja2 import Environment

from schemas.commission import DisputeStatus, LineKind, SettlementStatus
from schemas.kernel.errors import N_
from web.commission.forms import percent_of

STATUS_LABELS: dict[str, str] = {
    SettlementStatus.computing: N_("Computing"),
    SettlementStatus.employee_review: N_("Employees reviewing"),
    SettlementStatus.manager_review: N_("Managers reviewing"),
    SettlementStatus.finance_review: N_("Finance reviewing"),
    SettlementStatus.locked: N_("Locked"),
}
KIND_LABELS: dict[str, str] = {
    LineKind.earned: N_("Earned"),
    LineKind.clawback: N_("Clawed back"),
    LineKind.held: N_("Held"),
    LineKind.released: N_("Released"),
    LineKind.forfeited: N_("Forfeited"),
    LineKind.adjustment: N_("Adjustment"),
}
# What each kind of line means for the person reading their statement.
KIND_MEANINGS: dict[str, str] = {
    LineKind.earned: N_("Commission on money collected."),
    LineKind.clawback: N_("A refund takes back what its payment earned."),
    LineKind.held: N_("Held: the order is not fully paid yet; it is paid out once it is."),
    LineKind.released: N_("Released: the order is now fully paid, so the held commission is paid out."),
    LineKind.forfeited: N_("Forfeited: the order was not paid in full within the plan's days."),
    LineKind.adjustment: N_("Added or taken off after a dispute or a correction."),
}
DISPUTE_LABELS: dict[str, str] = {
    DisputeStatus.open: N_("Disputed"),
    DisputeStatus.adjusted: N_("Adjusted"),
    DisputeStatus.rejected: N_("Dispute rejected"),
}


def rate_percent(rate: str | Decimal) -> str:
    return f"{percent_of(rate)}%"


def install(environment: Environment) -> None:
    """The label filters the commission templates use."""
    for name, labels in (
        ("settlement_status_label", STATUS_LABELS),
        ("line_kind_label", KIND_LABELS),
        ("line_kind_meaning", KIND_MEANINGS),
        ("dispute_status_label", DISPUTE_LABELS),
    ):
        environment.filters[name] = lambda value, labels=labels: labels.get(str(value), value or "—")
    environment.filters["rate_percent"] = rate_percent
