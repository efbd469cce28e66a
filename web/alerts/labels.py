"""What the alert pages call things: a rule, a severity, an alert's status in the list's filter
(with "unresolved" and "all"), what started a scan, and each rule's thresholds.

Every label is an English message id, translated where it is shown; ``FILTERS`` names them for
the templates (installed with every area's filters by web/shared/templating.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from schemas.alerts import ALERT_STATUS_LABELS, RULE_LABELS, SEVERITY_LABELS, AlertRule
from schemas.kernel.errors import N_
from store.repo.alerts.views import UNRESOLVED
from web.shared.labels import label_filter

ALL = "all"
# The list's status filter.
STATUS_LABELS = {UNRESOLVED: N_("Unresolved"), **ALERT_STATUS_LABELS, ALL: N_("All")}
TRIGGER_LABELS = {"schedule": N_("Daily schedule"), "manual": N_("Started by hand")}
# Each threshold of each rule, as the rule card and the audit log name it.
THRESHOLD_LABELS: dict[tuple[AlertRule, str], str] = {
    (AlertRule.contact_drop, "baseline_weeks"): N_("Weeks the usual level is taken from"),
    (AlertRule.contact_drop, "baseline_min"): N_("Usual level: contacts a week, at least"),
    (AlertRule.contact_drop, "drop_to"): N_("Gone quiet: contacts in the last 7 days, at most"),
    (AlertRule.orders_declining, "months"): N_("Months falling in a row"),
    (AlertRule.orders_declining, "min_drop_pct"): N_("Total fall, at least (%)"),
    (AlertRule.repeated_complaints, "min_complaints"): N_("Complaints, at least"),
    (AlertRule.repeated_complaints, "days"): N_("Within (days)"),
    (AlertRule.unassigned_contacts, "max_contacts"): N_("Contacts allowed (one more raises the alert)"),
    (AlertRule.unassigned_contacts, "days"): N_("Within (days)"),
    (AlertRule.revenue_concentration, "share_pct"): N_("Share of the company's revenue above (%)"),
    (AlertRule.revenue_concentration, "months"): N_("Over the last (months)"),
    (AlertRule.customer_silent, "days"): N_("Silent for (days)"),
}

FILTERS: dict[str, Callable[..., Any]] = {
    "alert_rule_label": label_filter(RULE_LABELS),
    "severity_label": label_filter(SEVERITY_LABELS),
    "alert_status_label": label_filter(STATUS_LABELS, blank="—"),
    "scan_trigger_label": label_filter(TRIGGER_LABELS, blank="—"),
}
