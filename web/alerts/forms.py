"""The alert pages' forms: a rule's settings card read into the body ``PUT /api/alert-rules/{rule}``
takes, each threshold's input with the bounds of its schema field, what each rule means in the
business's words, and a follow-up decision read into ``CompleteTaskIn``.

Nothing is judged here beyond reading: ``alert_rules.change`` and the follow-up's validator
decide, and their problems come back per field, shown at the input they concern.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from starlette.datastructures import FormData

from schemas.alerts import THRESHOLDS, AlertRule, RuleSettings
from schemas.kernel.errors import N_, BatonError
from schemas.kernel.i18n import gettext_
from schemas.tasks import CompleteTaskIn
from web.alerts.labels import THRESHOLD_LABELS
from web.shared.forms import TOO_LONG, checked
from web.shared.labels import translated

# What each rule watches for, said the way a sales manager would; the current thresholds are filled in.
EXPLANATIONS: dict[AlertRule, str] = {
    AlertRule.contact_drop: N_(
        "A salesperson who used to be busy with customers has gone quiet: at most %(drop_to)s contacts in the "
        "last 7 days, after the %(baseline_weeks)s weeks before averaged at least %(baseline_min)s a week."
    ),
    AlertRule.orders_declining: N_(
        "A customer is slipping away: the value of its approved orders fell %(months)s months in a row and "
        "ended at least %(min_drop_pct)s%% below where it started."
    ),
    AlertRule.repeated_complaints: N_(
        "A customer is unhappy: %(min_complaints)s or more complaints within %(days)s days."
    ),
    AlertRule.unassigned_contacts: N_(
        "A salesperson is working someone else's accounts: more than %(max_contacts)s contacts within %(days)s "
        "days with customers another salesperson owns (leads from the pool do not count)."
    ),
    AlertRule.revenue_concentration: N_(
        "Too much business hangs on one person: the customers a salesperson owns bring more than "
        "%(share_pct)s%% of the company's approved order value of the last %(months)s months."
    ),
    AlertRule.customer_silent: N_(
        "A customer nobody talks to any more: an assigned customer with no contact and no order for %(days)s days."
    ),
}

NOTE_REQUIRED = N_("Write down what was done: a note is required to resolve the alert.")
RULE_FIELDS = ("enabled", "severity")
BOUNDS = (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<"))


@dataclass(frozen=True)
class ThresholdInput:
    """One threshold as a number input, bounded like its schema field."""

    name: str
    label: str  # translated: labels carry a literal "%", which the templates' gettext would format
    value: str
    minimum: str
    maximum: str
    step: str


def _bounds(rule: AlertRule, name: str) -> tuple[str, str, str]:
    """``min``, ``max`` and ``step`` of a threshold's input: a strict bound moves in by one step."""
    info = THRESHOLDS[rule].model_fields[name]
    places = next(
        (getattr(m, "decimal_places", None) for m in info.metadata if getattr(m, "decimal_places", None) is not None),
        None,
    )
    step = Decimal(1).scaleb(-places) if info.annotation is Decimal and places else Decimal(1)
    low = high = None
    for bound in info.metadata:
        if isinstance(bound, Ge):
            low = Decimal(str(bound.ge))
        elif isinstance(bound, Gt):
            low = Decimal(str(bound.gt)) + step
        elif isinstance(bound, Le):
            high = Decimal(str(bound.le))
        elif isinstance(bound, Lt):
            high = Decimal(str(bound.lt)) - step
    return (f"{low:f}" if low is not None else "", f"{high:f}" if high is not None else "", f"{step:f}")


def threshold_inputs(settings: RuleSettings, typed: dict[str, str] | None = None) -> list[ThresholdInput]:
    """The rule's thresholds in schema order, showing what was typed after a refusal."""
    inputs = []
    for name in THRESHOLDS[settings.rule].model_fields:
        minimum, maximum, step = _bounds(settings.rule, name)
        value = typed[name] if typed is not None and name in typed else str(settings.thresholds.get(name, ""))
        label = gettext_(THRESHOLD_LABELS.get((settings.rule, name), name))
        inputs.append(ThresholdInput(name=name, label=label, value=value, minimum=minimum, maximum=maximum, step=step))
    return inputs


def explanation(settings: RuleSettings) -> str:
    return gettext_(EXPLANATIONS[settings.rule], **{k: str(v) for k, v in settings.thresholds.items()})


def read_rule(rule: AlertRule, form: FormData) -> dict[str, Any]:
    """The card as typed: on or off, the severity, each threshold's text (blank stays blank, so the
    schema says what it expects rather than the old value silently coming back)."""
    body: dict[str, Any] = {
        "enabled": str(form.get("enabled") or "") in ("on", "true", "1"),
        "severity": str(form.get("severity") or "").strip(),
    }
    for name in THRESHOLDS[rule].model_fields:
        value = form.get(name)
        body[name] = value.strip() if isinstance(value, str) else ""
    return body


def problems_by_field(exc: BatonError) -> dict[str, list[str]]:
    """A refusal's problems by the input they concern (``rule`` for the card as a whole), translated,
    with the bound the value broke; a refusal without details is said on the card."""
    found: dict[str, list[str]] = {}
    fields = {*RULE_FIELDS, *(name for model in THRESHOLDS.values() for name in model.model_fields)}
    for detail in exc.details:
        if not isinstance(detail, dict):
            continue
        text = gettext_(str(detail.get("message") or exc.message))
        for key, sign in BOUNDS:
            if key in detail:
                text = f"{text} ({sign} {detail[key]})"
                break
        field = str(detail.get("field") or "rule")
        found.setdefault(field if field in fields else "rule", []).append(text)
    return found or {"rule": [translated(exc.message, exc.params)]}


def decision_body(action: str, comment: str) -> CompleteTaskIn:
    return checked(CompleteTaskIn, {"action": action, "comment": comment or None}, {"comment": TOO_LONG})


def note_problems(exc: BatonError) -> list[str]:
    """What the follow-up refused about the note, said at the note."""
    found = []
    for detail in exc.details:
        if isinstance(detail, dict) and detail.get("field") == "comment":
            required = detail.get("code") == "comment_required"
            found.append(gettext_(NOTE_REQUIRED) if required else gettext_(str(detail.get("message", ""))))
    return found
