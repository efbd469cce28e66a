"""Every recorded workflow history replays against today's workflow code: a change that alters
the commands a running workflow emits fails here (guard it with ``workflow.patched``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from baton.worker import WORKFLOWS
from tests.support.workflows import SUPPORT_WORKFLOWS

HISTORIES = sorted((Path(__file__).resolve().parents[1] / "histories").glob("*.json"))


def workflow_id_of(path: Path) -> str:
    """Files are named ``<WorkflowType>--<workflow id>.json``."""
    return path.stem.split("--", 1)[1]


def test_there_are_histories_to_replay() -> None:
    assert HISTORIES, "record them with: python -m tests.support.record_history"


def test_every_workflow_type_has_a_recorded_history() -> None:
    from temporalio import workflow

    recorded = {path.stem.split("--")[0] for path in HISTORIES}
    types = {workflow._Definition.must_from_class(cls).name for cls in [*WORKFLOWS, *SUPPORT_WORKFLOWS]}
    assert types - recorded == set(), "record them with: python -m tests.support.record_history"


@pytest.mark.parametrize("path", HISTORIES, ids=lambda path: path.stem.split("--")[0])
async def test_history_replays_deterministically(path: Path) -> None:
    history = WorkflowHistory.from_json(workflow_id_of(path), path.read_text(encoding="utf-8"))
    replayer = Replayer(workflows=[*WORKFLOWS, *SUPPORT_WORKFLOWS], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure


async def test_a_changed_command_sequence_is_caught(tmp_path: Path) -> None:
    """The check bites: dropping the reminder's activity from the history breaks replay."""
    import json

    path = next(p for p in HISTORIES if p.stem.startswith("StepProbe--"))
    events = json.loads(path.read_text(encoding="utf-8"))
    scheduled = [
        i
        for i, e in enumerate(events["events"])
        if e.get("eventType") in ("EVENT_TYPE_ACTIVITY_TASK_SCHEDULED", "ActivityTaskScheduled")
        and "tasks.remind" in json.dumps(e)
    ]
    assert scheduled, "the recorded run sent a reminder"
    events["events"][scheduled[0]]["activityTaskScheduledEventAttributes"]["activityType"]["name"] = "tasks.other"
    history = WorkflowHistory.from_json(workflow_id_of(path), json.dumps(events))
    replayer = Replayer(workflows=[*WORKFLOWS, *SUPPORT_WORKFLOWS], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is not None
