"""``baton dev`` (what ``make run`` calls): the whole stack comes up, stops cleanly on Ctrl-C,
and finds its state again on the next start. It runs beside the test session's own Temporal
server on other ports, which is also the "two stacks side by side" case."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_for_health(url: str, stack: Stack, limit: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        assert stack.process.poll() is None, f"baton dev exited early: {''.join(stack.lines)}"
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise AssertionError(f"not healthy within {limit} s")


class Stack:
    """``baton dev`` running, its output read as it comes (so the test knows when the stack itself
    has announced that it is ready)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "baton", "dev"],
            cwd=ROOT,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self.announced = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            if line.lstrip().startswith("App:"):
                self.announced.set()

    def wait_for_line(self, text: str, limit: float) -> bool:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return True
            time.sleep(0.2)
        return False

    def interrupt(self) -> str:
        """Ctrl-C at the terminal signals the whole process group, once the stack has printed its
        banner (its own health check may answer a moment after the test's)."""
        self.announced.wait(timeout=60)
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(timeout=30)
        self.reader.join(timeout=10)
        return "".join(self.lines)


def child_pid(stack: Stack, role: str) -> int:
    """The pid of ``baton dev``'s child running ``python -m baton <role>``."""
    children = Path(f"/proc/{stack.process.pid}/task/{stack.process.pid}/children").read_text().split()
    for pid in children:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if command[-2:] == [role.encode(), b""] or command[-1] == role.encode():
            return int(pid)
    raise AssertionError(f"no {role} child among {children}")


def first_alerts(url: str, limit: float = 60) -> list[object]:
    """The alerts an admin sees, once the scan the worker started has raised them (bounded wait)."""
    token = httpx.post(f"{url}/api/login", json={"username": "admin", "password": "demo1234"}).json()["token"]
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        found: list[object] = httpx.get(f"{url}/api/alerts", headers={"Authorization": f"Bearer {token}"}).json()
        if found:
            return found
        time.sleep(0.5)
    return []


@pytest.fixture
def stack_env(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BATON_")}
    env.update(
        BATON_DATA_DIR=str(tmp_path / "data"),
        BATON_WEB_PORT=str(free_port()),
        BATON_TEMPORAL_PORT=str(free_port()),
        BATON_TEMPORAL_UI_PORT=str(free_port()),
        BATON_DEMO="1",
        BATON_MAIL_CATCHER_PORT=str(free_port()),
    )
    return env


def test_dev_stack_runs_stops_cleanly_and_keeps_its_state(stack_env: dict[str, str]) -> None:
    web_port = int(stack_env["BATON_WEB_PORT"])
    ui_port = int(stack_env["BATON_TEMPORAL_UI_PORT"])
    url = f"http://127.0.0.1:{web_port}"

    first = Stack(stack_env)
    try:
        cold = wait_for_health(url, first, limit=90)
        login = httpx.post(f"{url}/api/login", json={"username": "zhang.wei", "password": "demo1234"})
        assert login.status_code == 200, login.text
        token = login.json()["token"]
        assert httpx.get(f"http://127.0.0.1:{ui_port}/", timeout=5).status_code == 200, "Temporal Web UI answers"
        page = httpx.get(f"{url}/login")
        assert "登录 Baton" in page.text
        assert first_alerts(url), "the demo's first risk scan ran once the worker was up"
        os.kill(child_pid(first, "worker"), signal.SIGKILL)
        assert first.wait_for_line("worker restarted.", limit=30), "a killed worker is restarted"
        wait_for_health(url, first, limit=60)
        again = httpx.post(f"{url}/api/login", json={"username": "zhang.wei", "password": "demo1234"})
        assert again.status_code == 200, "the stack served on after its worker was killed"
    finally:
        output = first.interrupt()
    assert first.process.returncode == 0, output
    assert f"App:              {url}" in output
    assert f"Temporal Web UI:  http://127.0.0.1:{ui_port}" in output
    assert "zhang.wei" in output and "demo1234" in output
    for port in (web_port, ui_port, int(stack_env["BATON_TEMPORAL_PORT"])):
        assert not port_open(port), f"port {port} still served after Ctrl-C"

    second = Stack(stack_env)
    try:
        warm = wait_for_health(url, second, limit=20)
        me = httpx.get(f"{url}/api/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.json()["username"] == "zhang.wei", "state survived the restart"
    finally:
        output = second.interrupt()
    assert "Loaded the demo company" not in output, "an existing database is never reloaded"
    print(f"cold start {cold:.1f} s, warm start {warm:.1f} s")
