"""The admin's rules that place customers in teams (region + industry + size; empty = any)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.errors import N_, InvalidInput, NotFound
from store.models import Team, TeamRule
from store.repo import audit


def all_rules(session: Session) -> list[TeamRule]:
    return list(session.scalars(select(TeamRule).order_by(TeamRule.priority, TeamRule.id)))


def add_rule(session: Session, *, actor_id: int, region: str, industry: str, size: str, team_id: int,
             priority: int) -> TeamRule:
    if session.get(Team, team_id) is None:
        raise InvalidInput(details=[{"field": "team_id", "code": "unknown", "message": N_("No such team.")}])
    if not (region or industry or size):
        raise InvalidInput(details=[{"field": "region", "code": "too_broad",
                                     "message": N_("A rule needs at least a region, an industry or a size.")}])
    rule = TeamRule(region=region, industry=industry, size=size, team_id=team_id, priority=priority)
    session.add(rule)
    session.flush()
    audit.record(session, actor_id=actor_id, action="team_rule.added", entity="team_rule", entity_id=rule.id,
                 detail={"region": region, "industry": industry, "size": size, "team_id": team_id})
    return rule


def remove_rule(session: Session, *, actor_id: int, rule_id: int) -> None:
    rule = session.get(TeamRule, rule_id)
    if rule is None:
        raise NotFound()
    session.delete(rule)
    audit.record(session, actor_id=actor_id, action="team_rule.removed", entity="team_rule", entity_id=rule_id,
                 detail={})
