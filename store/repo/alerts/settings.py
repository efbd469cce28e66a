"""The risk rules' settings: defaults in code, an admin's changes in ``alert_rules``.

A change names only what it changes (``{"enabled": false}`` or ``{"days": 120}``), or is the rule
as read with some values changed (its read-only fields are ignored); the result is validated
whole, so a rule is never saved half-valid, and the audit log keeps before and after.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.alerts import THRESHOLDS, AlertRule, NoSuchRule, RuleSettings, Severity, default_settings
from schemas.kernel.errors import N_, InvalidInput
from store.models import AlertRuleSetting
from store.repo.audit import chain as audit

READ_ONLY = {"rule", "updated_by", "updated_at"}  # in the answer; a body copied from it may carry them


def rule_of(name: str) -> AlertRule:
    try:
        return AlertRule(name)
    except ValueError:
        raise NoSuchRule() from None


def all_settings(session: Session) -> list[RuleSettings]:
    saved = {row.rule: row for row in session.scalars(select(AlertRuleSetting))}
    return [_settings(rule, saved.get(rule.value)) for rule in AlertRule]


def settings_of(session: Session, rule: AlertRule) -> RuleSettings:
    return _settings(rule, session.get(AlertRuleSetting, rule.value))


def _settings(rule: AlertRule, row: AlertRuleSetting | None) -> RuleSettings:
    if row is None:
        return default_settings(rule)
    thresholds = {**default_settings(rule).thresholds, **row.thresholds}  # thresholds added since stay default
    return RuleSettings(
        rule=rule,
        enabled=row.enabled,
        severity=Severity(row.severity),
        thresholds=thresholds,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
    )


def change(session: Session, rule: AlertRule, body: dict[str, Any], actor_id: int) -> RuleSettings:
    """Apply an admin's change to a rule; every problem is reported at once and nothing is saved."""
    before = settings_of(session, rule)
    problems: list[dict[str, str]] = []
    enabled = body.get("enabled", before.enabled)
    if not isinstance(enabled, bool):
        problems.append({"field": "enabled", "code": "invalid", "message": N_("Choose on or off.")})
    severity = body.get("severity", before.severity.value)
    if severity not in {s.value for s in Severity}:
        problems.append({"field": "severity", "code": "invalid", "message": N_("Choose high, medium or low.")})
    changed = {key: value for key, value in body.items() if key not in {"enabled", "severity", *READ_ONLY}}
    try:
        thresholds = THRESHOLDS[rule].model_validate({**before.thresholds, **changed}).model_dump(mode="json")
    except ValidationError as invalid:
        problems += [_problem(error) for error in invalid.errors()]
        thresholds = before.thresholds
    if problems:
        raise InvalidInput(details=problems)
    row = session.get(AlertRuleSetting, rule.value)
    if row is None:
        row = AlertRuleSetting(rule=rule.value)
        session.add(row)
    row.enabled, row.severity, row.thresholds, row.updated_by = enabled, severity, thresholds, actor_id
    session.flush()
    after = settings_of(session, rule)
    audit.record(
        session,
        actor_id=actor_id,
        action="alert_rule.changed",
        entity="alert_rule",
        entity_id=rule.value,
        detail={"before": _audited(before), "after": _audited(after)},
    )
    return after


def _audited(settings: RuleSettings) -> dict[str, Any]:
    return {"enabled": settings.enabled, "severity": settings.severity.value, **settings.thresholds}


def _problem(error: Any) -> dict[str, str]:
    location = [str(part) for part in error.get("loc", ())]
    field = location[0] if location else "thresholds"
    if error.get("type") == "extra_forbidden":
        return {"field": field, "code": "unknown_field", "message": N_("This rule has no such setting.")}
    if error.get("type") == "value_error":
        reason = error.get("ctx", {}).get("error", "")
        return {"field": field or "thresholds", "code": "invalid", "message": str(reason)}
    kind = str(error.get("type", "invalid"))
    return {
        "field": field,
        "code": kind,
        "message": PROBLEMS.get(kind, N_("This value is not allowed here.")),
        **{key: str(value) for key, value in error.get("ctx", {}).items() if key in {"ge", "gt", "le", "lt"}},
    }


PROBLEMS = {
    "greater_than_equal": N_("Too small."),
    "greater_than": N_("Too small."),
    "less_than_equal": N_("Too large."),
    "less_than": N_("Too large."),
    "int_parsing": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "decimal_parsing": N_("Enter a number."),
    "decimal_max_places": N_("Too many decimal places."),
    "bool_parsing": N_("Choose on or off."),
}
