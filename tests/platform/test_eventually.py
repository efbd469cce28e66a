"""The suite's one way to wait: ``eventually`` returns what it waited for, or fails saying what."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.eventually import eventually


async def test_it_returns_the_first_answer_that_is_there() -> None:
    answers: Iterator[dict[str, int] | None] = iter([None, {}, {"id": 7}])
    assert await eventually(lambda: next(answers), "a row") == {"id": 7}

    async def ready() -> str:
        return "open"

    assert await eventually(ready, "a task") == "open"


async def test_it_fails_naming_what_it_waited_for_and_what_it_saw_last() -> None:
    with pytest.raises(AssertionError, match=r"^waited 0\.05 s for the approvals of order 7; last seen: \[\]$"):
        await eventually(lambda: [], "the approvals of order 7", timeout=0.05)

    async def busy() -> bool:
        raise TimeoutError("the server is busy")

    with pytest.raises(AssertionError, match=r"^waited 0\.05 s for the worker to poll; last seen: TimeoutError"):
        await eventually(busy, "the worker to poll", timeout=0.05, retry_on=(TimeoutError,))
