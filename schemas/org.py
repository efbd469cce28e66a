"""API bodies for accounts and the organisation."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Role(StrEnum):
    sales = "sales"
    sales_manager = "sales_manager"
    department_head = "department_head"
    hr = "hr"
    finance = "finance"
    admin = "admin"


class EmployeeStatus(StrEnum):
    """Where a person stands with the company: working, handing over (while an offboarding runs),
    or gone (kept for the history, never deleted)."""

    active = "active"
    offboarding = "offboarding"
    departed = "departed"


# The role queue that takes a step meant for a person's manager or head when the organisation
# names nobody (store/repo/org/responsibility.py decides who is named).
NOBODY_NAMED_QUEUE = "department_head"


class LoginBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class UserOut(BaseModel):
    id: int
    username: str
    name: str
    roles: list[Role]


class LoginOut(BaseModel):
    token: str
    user: UserOut


class TeamIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    region: str = Field(default="", max_length=50)
    industry: str = Field(default="", max_length=50)
    manager_id: int | None = None


class TeamOut(BaseModel):
    id: int
    name: str
    region: str
    industry: str
    manager_id: int | None
    department_id: int | None = None  # the department its manager's head leads


class EmployeeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=256)
    roles: list[Role] = Field(min_length=1)
    team_id: int | None = None
    manager_id: int | None = None
    email: str | None = Field(default=None, max_length=200)


class EmployeeOut(BaseModel):
    id: int
    username: str
    name: str
    roles: list[Role]
    team_id: int | None
    manager_id: int | None
    status: EmployeeStatus
    order_freeze: bool


class SettingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: str | int | float | bool | list[object] | dict[str, object] | None
