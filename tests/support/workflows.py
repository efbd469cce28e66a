"""A minimal process that waits for people through the shared human-step helper, one step after
another, so the helper can be tested on its own (the real processes use it the same way)."""

from __future__ import annotations

from temporalio import workflow

from workflows.tasks import HumanStepsWorkflow

with workflow.unsafe.imports_passed_through():
    from schemas.tasks import TaskDecision
    from tests.support.probe import ProbeRequest


@workflow.defn(name="StepProbe")
class StepProbeWorkflow(HumanStepsWorkflow):
    @workflow.init
    def __init__(self, request: ProbeRequest) -> None:
        super().__init__()

    @workflow.run
    async def run(self, request: ProbeRequest) -> list[TaskDecision | None]:
        decisions = [await self.human_step(spec, request.policy) for spec in request.steps]
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self.deliveries_sent()
        return decisions

    @workflow.signal
    async def withdraw(self, task_id: str) -> None:
        """The process moved on without the person (e.g. an order was cancelled)."""
        await self.cancel_step(task_id, "withdrawn")


SUPPORT_WORKFLOWS = [StepProbeWorkflow]
