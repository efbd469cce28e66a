"""What the commission pages call things: a settlement's status, each kind of statement line and
what it means for the person reading it, a dispute's status, and a rate as a percentage.

Every label is an English message id, translated where it is shown; ``FILTERS`` names them for
the templates (installed with every area's filters by web/shared/templating.py).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from schemas.commission import DisputeStatus, LineKind, SettlementStatus
from schemas.kernel.errors import N_
from web.commission.forms import percent_of
from web.shared.labels import label_filter

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


FILTERS: dict[str, Callable[..., Any]] = {
    "settlement_status_label": label_filter(STATUS_LABELS, blank="—"),
    "line_kind_label": label_filter(KIND_LABELS, blank="—"),
    "line_kind_meaning": label_filter(KIND_MEANINGS, blank="—"),
    "dispute_status_label": label_filter(DISPUTE_LABELS, blank="—"),
    "rate_percent": rate_percent,
}
