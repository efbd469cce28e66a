"""The alert rules' page: each rule as a card with its thresholds, what it means in the business's
words, who changed it last, and (admin) the form to change it; read in the session the route gives.

A card is saved whole or not at all by ``alert_rules.change`` (the same call as
``PUT /api/alert-rules/{rule}``); a refusal shows the card as typed with every problem at its input.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from schemas.alerts import SEVERITY_ORDER, AlertRule, RuleSettings, Severity
from store.db import Session
from store.repo.alerts import settings as alert_rules
from store.repo.alerts import views as alert_views
from store.repo.offboarding.records import employee_names
from web.alerts.forms import ThresholdInput, explanation, threshold_inputs
from web.alerts.views import EDITORS
from web.shared.auth import Principal, viewer_of


@dataclass
class RuleCard:
    settings: RuleSettings
    inputs: list[ThresholdInput]
    explanation: str
    updated_by: str | None
    problems: dict[str, list[str]] = field(default_factory=dict)
    saved: bool = False


def card_of(settings: RuleSettings, names: dict[int, str]) -> RuleCard:
    return RuleCard(
        settings=settings,
        inputs=threshold_inputs(settings),
        explanation=explanation(settings),
        updated_by=names.get(settings.updated_by) if settings.updated_by else None,
    )


def rules_context(session: Session, user: Principal) -> dict[str, Any]:
    alert_views.visible(session, viewer_of(user))  # readers only
    everything = alert_rules.all_settings(session)
    names = employee_names(session, {s.updated_by for s in everything if s.updated_by is not None})
    return {
        "cards": [card_of(settings, names) for settings in everything],
        "may_edit": user.has(*EDITORS),
        "severities": list(SEVERITY_ORDER),
    }


def rule_card(
    session: Session,
    user: Principal,
    rule: AlertRule,
    *,
    saved: bool = False,
    typed: dict[str, Any] | None = None,
    problems: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """One rule's card as saved, or as typed with the problems at their inputs."""
    settings = alert_rules.settings_of(session, rule)
    names = employee_names(session, {settings.updated_by} if settings.updated_by else set())
    card = card_of(settings, names)
    if typed is not None:
        severity = typed.get("severity")
        shown = settings.model_copy(
            update={
                "enabled": bool(typed.get("enabled")),
                "severity": Severity(severity) if severity in {s.value for s in Severity} else settings.severity,
            }
        )
        card = replace(card, settings=shown, inputs=threshold_inputs(settings, {k: str(v) for k, v in typed.items()}))
    return {
        "card": replace(card, problems=problems or {}, saved=saved),
        "may_edit": user.has(*EDITORS),
        "severities": list(SEVERITY_ORDER),
    }
