"""Checklist templates by role, editable by admin, kept as company settings.

A template that was never saved is the built-in one (schemas/offboarding.py). Which template a
leaver gets follows their roles: ``sales`` for sales staff and their managers, ``general`` for
everyone else.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from schemas.offboarding import DEFAULT_TEMPLATES, ChecklistTemplate
from store.models import Employee
from store.repo.org import records as org

SETTING_PREFIX = "offboarding.template."


def template_role_for(employee: Employee) -> str:
    return "sales" if {"sales", "sales_manager"} & set(employee.roles or []) else "general"


def get_template(session: Session, role: str) -> ChecklistTemplate:
    stored = org.get_setting(session, SETTING_PREFIX + role)
    if stored:
        return ChecklistTemplate.model_validate(stored)
    return DEFAULT_TEMPLATES[role]


def put_template(session: Session, *, actor_id: int, role: str, template: ChecklistTemplate) -> ChecklistTemplate:
    """Cases already running keep the checklist they started with; new ones use this."""
    org.put_setting(session, actor_id=actor_id, key=SETTING_PREFIX + role, value=template.model_dump(mode="json"))
    return template
