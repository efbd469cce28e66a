"""``baton dev`` restarts a child that died, with growing back-off, and gives up only on one that
keeps dying (the clock is passed in: no waiting)."""

from __future__ import annotations

from pathlib import Path

import pytest

from baton import stack as stack_module
from baton.stack import FIRST_BACKOFF, GIVE_UP_AFTER, MAX_BACKOFF, STABLE_AFTER, Revival, Stack
from schemas.kernel.config import load_settings


class FakeProcess:
    def __init__(self) -> None:
        self.code: int | None = None

    def poll(self) -> int | None:
        return self.code


@pytest.fixture
def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Stack, list[FakeProcess]]:
    started: list[FakeProcess] = []

    def start(_self: Stack, _name: str, _command: list[str]) -> FakeProcess:
        started.append(FakeProcess())
        return started[-1]

    monkeypatch.setattr(stack_module.Stack, "_start", start)
    made = Stack(load_settings(env={"BATON_DATA_DIR": str(tmp_path)}))
    made.spawn("worker", ["baton", "worker"])
    made.spawn("web", ["baton", "web"])
    for name in ("worker", "web"):
        made.revivals[name] = Revival(started_at=0.0)
    return made, started


def test_a_killed_worker_is_started_again_after_its_backoff(
    stack: tuple[Stack, list[FakeProcess]], capsys: pytest.CaptureFixture[str]
) -> None:
    supervisor, started = stack
    started[0].code = -9  # kill -9 of the worker
    assert supervisor.supervise(now=100.0) is None
    assert len(started) == 2, "not before its back-off"
    assert supervisor.supervise(now=100.0 + FIRST_BACKOFF) is None
    assert len(started) == 3 and supervisor.children[0][1] is started[2]
    assert supervisor.children[1][1] is started[1], "the web process was left alone"
    err = capsys.readouterr().err
    assert "worker stopped unexpectedly (exit -9); restarting in 1 s." in err and "worker restarted." in err


def test_quick_deaths_double_the_backoff_and_a_hopeless_child_stops_the_stack(
    stack: tuple[Stack, list[FakeProcess]],
) -> None:
    supervisor, _started = stack
    now, waits = 100.0, []
    for _ in range(GIVE_UP_AFTER - 1):
        supervisor.children[0][1].code = 1  # type: ignore[attr-defined]
        assert supervisor.supervise(now=now) is None
        due = supervisor.revivals["worker"].due_at
        assert due is not None
        waits.append(due - now)
        now = due
        supervisor.supervise(now=now)
        now += 1
    assert waits == [min(MAX_BACKOFF, FIRST_BACKOFF * 2**n) for n in range(GIVE_UP_AFTER - 1)]
    supervisor.children[0][1].code = 1  # type: ignore[attr-defined]
    assert supervisor.supervise(now=now) == "worker"


def test_a_child_that_ran_long_before_dying_starts_its_backoff_afresh(stack: tuple[Stack, list[FakeProcess]]) -> None:
    supervisor, started = stack
    supervisor.revivals["worker"].quick_deaths = GIVE_UP_AFTER - 1
    started[0].code = 1
    assert supervisor.supervise(now=STABLE_AFTER + 1) is None
    assert supervisor.revivals["worker"].quick_deaths == 1
