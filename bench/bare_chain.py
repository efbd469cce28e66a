"""The baseline for ``bench/order_chain.py``: a bare approval chain that does nothing.

Started with the number of approvals it waits for; each ``approve`` update counts one, and the
workflow completes after the last, as an order's workflow does after its last approval.
"""

from __future__ import annotations

from temporalio import workflow


@workflow.defn(name="BenchBareChain")
class BareChainWorkflow:
    def __init__(self) -> None:
        self.approved = 0

    @workflow.run
    async def run(self, steps: int) -> int:
        await workflow.wait_condition(lambda: self.approved >= steps)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.approved

    @workflow.update
    async def approve(self, step: int) -> int:
        self.approved += 1
        return step
