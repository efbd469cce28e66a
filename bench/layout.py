"""How a benchmark lays Baton out as in production: its database (a migrated SQLite file in the
run's temporary directory, or the PostgreSQL database of ``--postgres URL``, which must be
empty), ``--web-processes`` web apps (``baton web``, each on its own port; the bench spreads its
calls over them) and ``--workers`` worker processes (``bench/worker_process.py``: the real Baton
worker plus the bench workflows) on one task queue, beside the Temporal dev server."""

from __future__ import annotations

import argparse
import asyncio
import re
import socket
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from schemas.kernel.config import load_settings

ROOT = Path(__file__).resolve().parent.parent


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--postgres", metavar="URL", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--web-processes", type=int, default=1, metavar="N", help="web app processes (default 1)")
    parser.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes (default 1)")


@dataclass(frozen=True)
class Layout:
    postgres: str | None = None
    web_processes: int = 1
    workers: int = 1

    @classmethod
    def of(cls, arguments: argparse.Namespace) -> Layout:
        if arguments.web_processes < 1 or arguments.workers < 1:
            raise SystemExit("--web-processes and --workers take 1 or more")
        return cls(arguments.postgres, arguments.web_processes, arguments.workers)

    def database_url(self, sqlite_url: str) -> str:
        return self.postgres or sqlite_url

    def describe(self) -> str:
        database = (
            f"PostgreSQL {make_url(self.postgres).render_as_string(hide_password=True)}"
            if self.postgres
            else "SQLite (a file in the run's temporary directory)"
        )
        return (
            f"database {database}; {self.web_processes} web process{'es' if self.web_processes > 1 else ''}; "
            f"{self.workers} worker process{'es' if self.workers > 1 else ''}; one Temporal dev server"
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Stack:
    """The running children: their processes, their logs, the web apps' addresses."""

    children: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: dict[str, Path] = field(default_factory=dict)
    web_urls: list[str] = field(default_factory=list)

    def spawn(self, name: str, command: list[str], env: dict[str, Any], log_dir: Path) -> None:
        path = log_dir / f"{name}.log"
        with path.open("wb") as log:  # the child keeps its own handle; read before clean-up
            self.children.append(subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
        self.logs[name] = path

    def stop(self) -> None:
        for child in self.children:
            if child.poll() is None:
                child.terminate()
        for child in self.children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def start(layout: Layout, child_env: dict[str, Any], log_dir: Path) -> Stack:
    """The workers, then the web processes, each web app on a port of its own."""
    stack = Stack()
    for number in range(1, layout.workers + 1):
        stack.spawn(f"worker{number}", [sys.executable, str(ROOT / "bench" / "worker_process.py")], child_env, log_dir)
    for number in range(1, layout.web_processes + 1):
        env = {**child_env, "BATON_WEB_PORT": str(free_port())}
        stack.spawn(f"web{number}", [sys.executable, "-m", "baton", "web"], env, log_dir)
        stack.web_urls.append(load_settings(env=env).web_url)
    return stack


async def wait_healthy(browsers: list[httpx.AsyncClient], stack: Stack) -> None:
    """Every web process answers and sees Temporal and a worker polling the task queue."""
    for browser in browsers:
        last = ""
        for _ in range(600):
            for child in stack.children:
                if child.poll() is not None:
                    raise RuntimeError(f"{child.args!r} exited with {child.returncode}")
            try:
                response = await browser.get("/healthz")
                if response.status_code == 200:
                    break
                last = response.text
            except httpx.HTTPError as exc:
                last = repr(exc)
            await asyncio.sleep(0.1)
        else:
            raise RuntimeError(f"{browser.base_url} or the workers never became healthy: {last}")


def scan_logs(logs: dict[str, Path]) -> list[str]:
    """Errors, tracebacks and 5xx answers in the children's output (status lines counted once each)."""
    found: list[str] = []
    statuses: Counter[str] = Counter()
    for name, path in logs.items():
        if not path.exists():
            continue
        for line in path.read_text(errors="replace").splitlines():
            parts = line.split('"')
            if len(parts) >= 3 and parts[1].endswith("HTTP/1.1") and parts[2].strip().startswith("5"):
                statuses[f"{name}: {re.sub(r'[0-9]+', 'N', parts[1])} → {parts[2].strip()}"] += 1
            elif any(mark in line for mark in ("ERROR", "Traceback", "Error:", "WARNING", "Exception")):
                found.append(f"{name}: {line.strip()[:300]}")
    return [f"{count} × {line}" for line, count in statuses.items()] + found
