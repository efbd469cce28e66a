"""Input of the probe workflow (kept apart so the workflow sandbox can pass it through)."""

from __future__ import annotations

from pydantic import BaseModel

from schemas.policies import DeadlinePolicy
from schemas.tasks import StepSpec


class ProbeRequest(BaseModel):
    steps: list[StepSpec]
    policy: DeadlinePolicy
