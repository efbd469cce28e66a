"""Reading and changing the company settings of ``schemas/company_settings.py``.

Readers get a typed value; a stored value that no longer parses (written by hand in SQL) falls
back to the default with a warning instead of failing every order. Changes are one upsert, so two
admins saving a key for the first time at once never collide, and each is audited with before
and after.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.company_settings import CATALOGUE, SettingSpec, SettingValueError
from schemas.kernel.errors import InvalidInput, UnknownSetting
from store.models import Setting
from store.models.base import utcnow
from store.repo.audit import chain as audit
from store.repo.shared.upsert import insert_or_update

log = logging.getLogger("baton.settings")


def spec_of(key: str) -> SettingSpec:
    spec = CATALOGUE.get(key)
    if spec is None:
        raise UnknownSetting()
    return spec


def current(session: Session) -> dict[str, str]:
    """Every setting of the catalogue as text, stored where an admin set it, else the default."""
    stored = {row.key: row.value for row in session.scalars(select(Setting).where(Setting.key.in_(CATALOGUE)))}
    values = {}
    for key, spec in CATALOGUE.items():
        try:
            values[key] = spec.parse(stored[key]) if key in stored else spec.default
        except SettingValueError:
            log.warning("company setting %s in the database is invalid; using the default", key)
            values[key] = spec.default
    return values


def value_text(session: Session, key: str) -> str:
    spec = spec_of(key)
    row = session.get(Setting, key)
    if row is None:
        return spec.default
    try:
        return spec.parse(row.value)
    except SettingValueError:
        log.warning("company setting %s in the database is invalid; using the default", key)
        return spec.default


def head_threshold(session: Session) -> Decimal:
    return Decimal(value_text(session, "order.head_threshold"))


def daily_claims(session: Session) -> int:
    return int(value_text(session, "pool.daily_claims"))


def change(session: Session, *, actor_id: int | None, key: str, value: object) -> str:
    """Validate, store the normalised text and audit; returns what is now in force."""
    spec = spec_of(key)
    try:
        normalised = spec.parse(value)
    except SettingValueError as exc:
        raise InvalidInput(
            details=[{"field": "value", "code": "invalid", "message": exc.message, "params": {"limit": spec.limit}}]
        ) from None
    before = value_text(session, key)
    insert_or_update(
        session, Setting, {"key": key}, {"value": normalised, "updated_by": actor_id, "updated_at": utcnow()}
    )
    audit.record(
        session,
        actor_id=actor_id,
        action="setting.changed",
        entity="setting",
        entity_id=key,
        detail={"before": before, "after": normalised},
    )
    return normalised
