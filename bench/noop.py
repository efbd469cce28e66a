"""The baseline process for benchmarks: a workflow whose update does nothing."""

from __future__ import annotations

from temporalio import workflow


@workflow.defn(name="BenchNoop")
class NoopWorkflow:
    def __init__(self) -> None:
        self.touches = 0
        self.stop = False

    @workflow.run
    async def run(self) -> int:
        await workflow.wait_condition(lambda: self.stop)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.touches

    @workflow.update
    async def touch(self, value: int) -> int:
        self.touches += 1
        return value

    @workflow.signal
    def finish(self) -> None:
        self.stop = True
