"""The admin's rules that place pool leads in teams (region + industry + size; empty = any).

A customer with an owner belongs to the owner's team (``store/repo/customers/placement.py``); the
rules decide only where a lead without an owner goes, so its team's people see and work it. The
order of the decision, in business terms:

1. the matching rules (every field the rule sets equals the customer's) with the lowest
   ``priority`` number win; among those, the more specific (more fields set) wins;
2. no rule matches: the one team whose region and industry are exactly the customer's;
3. otherwise nobody can tell: no team covers the territory, or two rules (or, without a rule,
   two teams) tie. The lead is then refused with the reason, not put in an arbitrary team: the
   admin adds a rule, or the creator names an owner. A tie is never broken by a row id.

Adding a rule that would tie with another one for some customer (same priority, same
specificity, overlapping fields, another team) is refused, so ties among rules arise only from
data written before that check.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.kernel.errors import N_, InvalidInput, NotFound
from store.models import Team, TeamRule
from store.repo.audit import chain as audit

Problem = dict[str, str]


@dataclass(frozen=True)
class TeamDecision:
    """The team a pool lead joins, or why none can be chosen (a 422 detail)."""

    team_id: int | None
    problem: Problem | None = None


def all_rules(session: Session) -> list[TeamRule]:
    return list(session.scalars(select(TeamRule).order_by(TeamRule.priority, TeamRule.id)))


def _fields(rule: TeamRule) -> tuple[str, str, str]:
    return (rule.region or "", rule.industry or "", rule.size or "")


def _specificity(fields: tuple[str, str, str]) -> int:
    return sum(1 for value in fields if value)


def decide_team(session: Session, region: str, industry: str, size: str) -> TeamDecision:
    """Where a lead without an owner goes, by the order of the module docstring."""
    territory = (region, industry, size)
    matching = [
        rule
        for rule in all_rules(session)
        if all(not want or want == have for want, have in zip(_fields(rule), territory, strict=True))
    ]
    if matching:
        best = min((rule.priority, -_specificity(_fields(rule))) for rule in matching)
        teams = {rule.team_id for rule in matching if (rule.priority, -_specificity(_fields(rule))) == best}
        if len(teams) == 1:
            return TeamDecision(teams.pop())
        return TeamDecision(
            None,
            {
                "field": "region",
                "code": "team_ambiguous",
                "message": N_(
                    "Several team rules of the same priority place this customer in different teams. "
                    "Ask the admin to give one of them a higher priority, or choose an owner."
                ),
            },
        )
    covering = list(session.scalars(select(Team.id).where(Team.region == region, Team.industry == industry)))
    if len(covering) == 1:
        return TeamDecision(covering[0])
    if covering:
        return TeamDecision(
            None,
            {
                "field": "region",
                "code": "team_ambiguous",
                "message": N_(
                    "Several teams cover this region and industry and no team rule decides between them. "
                    "Ask the admin for a team rule, or choose an owner."
                ),
            },
        )
    return TeamDecision(
        None,
        {
            "field": "region",
            "code": "no_team",
            "message": N_(
                "No team covers this region and industry, so the lead would sit in nobody's pool. "
                "Ask the admin for a team rule, or choose an owner."
            ),
        },
    )


def _overlap(one: tuple[str, str, str], other: tuple[str, str, str]) -> bool:
    """Some customer matches both: on every field one of them is open or both agree."""
    return all(not a or not b or a == b for a, b in zip(one, other, strict=True))


def add_rule(
    session: Session, *, actor_id: int, region: str, industry: str, size: str, team_id: int, priority: int
) -> TeamRule:
    if session.get(Team, team_id) is None:
        raise InvalidInput(details=[{"field": "team_id", "code": "unknown", "message": N_("No such team.")}])
    if not (region or industry or size):
        raise InvalidInput(
            details=[
                {
                    "field": "region",
                    "code": "too_broad",
                    "message": N_("A rule needs at least a region, an industry or a size."),
                }
            ]
        )
    fields = (region, industry, size)
    for other in all_rules(session):
        if (
            other.team_id != team_id
            and other.priority == priority
            and _specificity(_fields(other)) == _specificity(fields)
            and _overlap(_fields(other), fields)
        ):
            raise InvalidInput(
                details=[
                    {
                        "field": "priority",
                        "code": "rule_conflict",
                        "rule_id": other.id,
                        "message": N_(
                            "Another rule with the same priority places some of "
                            "these customers in another team. Give this rule a "
                            "different priority."
                        ),
                    }
                ]
            )
    rule = TeamRule(region=region, industry=industry, size=size, team_id=team_id, priority=priority)
    session.add(rule)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="team_rule.added",
        entity="team_rule",
        entity_id=rule.id,
        detail={"region": region, "industry": industry, "size": size, "team_id": team_id, "priority": priority},
    )
    return rule


def remove_rule(session: Session, *, actor_id: int, rule_id: int) -> None:
    rule = session.get(TeamRule, rule_id)
    if rule is None:
        raise NotFound()
    session.delete(rule)
    audit.record(
        session, actor_id=actor_id, action="team_rule.removed", entity="team_rule", entity_id=rule_id, detail={}
    )
