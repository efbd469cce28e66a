"""What the alert pages call things: a rule, a severity, an alert's status in the list's filter
(with "unresolved" and "all"), and what started a scan.

Every label is an English message id, translated where it is shown; ``FILTERS`` names them for
the templates (installed with every area's filters by web/shared/templating.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from schemas.alerts import ALERT_STATUS_LABELS, RULE_LABELS, SEVERITY_LABELS
from schemas.kernel.errors import N_
from store.repo.alerts.views import UNRESOLVED
from web.shared.labels import label_filter

ALL = "all"
# The list's status filter.
STATUS_LABELS = {UNRESOLVED: N_("Unresolved"), **ALERT_STATUS_LABELS, ALL: N_("All")}
TRIGGER_LABELS = {"schedule": N_("Daily schedule"), "manual": N_("Started by hand")}

FILTERS: dict[str, Callable[..., Any]] = {
    "alert_rule_label": label_filter(RULE_LABELS),
    "severity_label": label_filter(SEVERITY_LABELS),
    "alert_status_label": label_filter(STATUS_LABELS, blank="—"),
    "scan_trigger_label": label_filter(TRIGGER_LABELS, blank="—"),
}
