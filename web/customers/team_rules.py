"""Team rules over the JSON API (admin): which team a new customer belongs to."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from schemas.customers import Size
from schemas.kernel.ids import RecordId as RuleTeamId
from schemas.org import Role
from store.repo.customers import team_rules
from web.shared.auth import Principal, get_db, require_roles
from web.shared.paths import RecordId

router = APIRouter(prefix="/api/team-rules", tags=["customers"])
Admin = Annotated[Principal, Depends(require_roles(Role.admin))]


class TeamRuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region: str = Field(default="", max_length=50)
    industry: str = Field(default="", max_length=50)
    size: Size | None = None
    team_id: RuleTeamId
    priority: int = Field(default=100, ge=0, le=10_000)


class TeamRuleOut(BaseModel):
    id: int
    region: str
    industry: str
    size: str
    team_id: int
    priority: int


class TeamRuleList(BaseModel):
    items: list[TeamRuleOut]
    total: int


@router.get("", response_model=TeamRuleList)
def list_rules(request: Request, user: Admin) -> TeamRuleList:
    with get_db(request).session() as session:
        rows = [TeamRuleOut.model_validate(r, from_attributes=True) for r in team_rules.all_rules(session)]
        return TeamRuleList(items=rows, total=len(rows))


@router.post("", status_code=201, response_model=TeamRuleOut)
def add_rule(body: TeamRuleIn, request: Request, user: Admin) -> TeamRuleOut:
    with get_db(request).session() as session:
        rule = team_rules.add_rule(
            session,
            actor_id=user.id,
            region=body.region.strip(),
            industry=body.industry.strip(),
            size=body.size.value if body.size else "",
            team_id=body.team_id,
            priority=body.priority,
        )
        return TeamRuleOut.model_validate(rule, from_attributes=True)


@router.delete("/{rule_id}", status_code=204)
def remove_rule(rule_id: RecordId, request: Request, user: Admin) -> None:
    with get_db(request).session() as session:
        team_rules.remove_rule(session, actor_id=user.id, rule_id=rule_id)
