"""``baton dev``: the whole local stack in one process group.

Order: Temporal dev server (unless a cluster is configured) → migrations → demo data into an
empty database (when asked) → the mail catcher (when e-mail points at it), worker and web as
child processes → wait until /healthz is green → print where everything is. Ctrl-C (or
SIGTERM) stops the children newest first and waits for them.

A child that dies is restarted, as a production supervisor would: after 1 s, then twice as long
each time it dies again soon after starting (at most 30 s), each restart logged. The Temporal dev
server comes back on its persistent file, a worker picks up where the processes stand, a web
process is stateless. Only a child that keeps dying (``GIVE_UP_AFTER`` quick deaths in a row)
stops the whole stack, so a broken configuration is not retried forever.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from types import FrameType

import httpx

from baton.devserver import dev_server_command
from schemas.kernel.config import Settings

DEMO_LOGINS = [
    ("admin", "admin"),
    ("sun.li", "孙丽 · HR"),
    ("zhou.min", "周敏 · finance"),
    ("liu.yang", "刘洋 · department head"),
    ("chen.jie", "陈杰 · sales manager"),
    ("zhang.wei", "张伟 · sales"),
    ("li.na", "李娜 · sales"),
    ("zhao.lei", "赵磊 · sales manager"),
    ("wang.fang", "王芳 · sales"),
]


FIRST_BACKOFF = 1.0
MAX_BACKOFF = 30.0
STABLE_AFTER = 60.0  # a child that ran this long before dying starts its back-off afresh
GIVE_UP_AFTER = 6


@dataclass
class Revival:
    """When a dead child is started again, and how often it died in quick succession."""

    quick_deaths: int = 0
    due_at: float | None = None
    started_at: float = field(default_factory=time.monotonic)

    def backoff(self) -> float:
        return min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** max(0, self.quick_deaths - 1))


class Stack:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.children: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.commands: dict[str, list[str]] = {}
        self.revivals: dict[str, Revival] = {}
        self.stopping = False

    def spawn(self, name: str, command: list[str]) -> None:
        self.commands[name] = command
        self.revivals.setdefault(name, Revival())
        self.children.append((name, self._start(name, command)))

    def _start(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        env = dict(
            os.environ,
            BATON_DATA_DIR=str(self.settings.data_dir),
            BATON_WEB_PORT=str(self.settings.web_port),
            BATON_TEMPORAL_PORT=str(self.settings.temporal.dev_server.port),
            BATON_TEMPORAL_UI_PORT=str(self.settings.temporal.dev_server.ui_port),
            BATON_MAIL_CATCHER_PORT=str(self.settings.notify.mail_catcher_port),
        )
        if self.settings.temporal.uses_dev_server:
            env["BATON_TEMPORAL_ADDRESS"] = ""
        log_path = self.settings.data_dir / "logs" / f"{name}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        output = None if name != "temporal" else log_path.open("ab")
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT if output else None)

    def supervise(self, now: float | None = None) -> str | None:
        """Restart dead children when their back-off has passed; the name of one that keeps dying."""
        now = time.monotonic() if now is None else now
        for index, (name, process) in enumerate(self.children):
            code = process.poll()
            if code is None:
                continue
            revival = self.revivals[name]
            if revival.due_at is None:
                ran = now - revival.started_at
                revival.quick_deaths = revival.quick_deaths + 1 if ran < STABLE_AFTER else 1
                if revival.quick_deaths >= GIVE_UP_AFTER:
                    return name
                revival.due_at = now + revival.backoff()
                print(
                    f"{name} stopped unexpectedly (exit {code}); restarting in {revival.backoff():.0f} s.",
                    file=sys.stderr,
                    flush=True,
                )
            elif now >= revival.due_at:
                self.children[index] = (name, self._start(name, self.commands[name]))
                revival.due_at, revival.started_at = None, now
                print(f"{name} restarted.", file=sys.stderr, flush=True)
        return None

    def stop(self) -> None:
        if self.stopping:
            return
        self.stopping = True
        # A second Ctrl-C (or SIGTERM) must not interrupt the shutdown half-way and orphan children.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for _name, process in reversed(self.children):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for _name, process in reversed(self.children):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def wait_healthy(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.settings.web_port}/healthz"
        while time.monotonic() < deadline:
            if self.dead_child():
                return False
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        return False

    def dead_child(self) -> str | None:
        for name, process in self.children:
            if process.poll() is not None:
                return name
        return None


def banner(settings: Settings, seconds: float) -> str:
    lines = [
        "",
        f"Baton is ready ({seconds:.1f} s).",
        f"  App:              {settings.web_url}",
    ]
    if settings.temporal.ui_url:
        lines.append(f"  Temporal Web UI:  {settings.temporal.ui_url}")
    else:
        lines.append(f"  Temporal cluster: {settings.temporal.target} ({settings.temporal.namespace})")
    lines.append(f"  Data:             {settings.data_dir}")
    if settings.notify.uses_mail_catcher:
        smtp = f"SMTP 127.0.0.1:{settings.notify.email.port}"
        lines.append(f"  Dev mailbox:      {settings.web_url}/dev/mailbox ({smtp})")
    if settings.demo:
        lines.append("  Demo logins (password demo1234):")
        lines += [f"    {user:<10} {who}" for user, who in DEMO_LOGINS]
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


def run_dev(settings: Settings) -> int:
    from store.db import Database
    from store.migrate import upgrade

    started = time.monotonic()
    stack = Stack(settings)

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        if settings.temporal.uses_dev_server:
            stack.spawn("temporal", dev_server_command(settings))
        upgrade(settings.database_url)
        if settings.demo:
            from baton.demo_company import load_demo_company

            db = Database(settings.database_url)
            if load_demo_company(db):
                print("Loaded the demo company 华通物流.", flush=True)
            db.dispose()
        python = sys.executable
        if settings.notify.uses_mail_catcher:
            stack.spawn("mail-catcher", [python, "-m", "baton", "mail-catcher"])
        stack.spawn("worker", [python, "-m", "baton", "worker"])
        stack.spawn("web", [python, "-m", "baton", "web"])
        if not stack.wait_healthy(timeout=120):
            print(
                f"Baton did not become healthy ({stack.dead_child() or 'timeout'}); see {settings.data_dir / 'logs'}",
                file=sys.stderr,
            )
            return 1
        print(banner(settings, time.monotonic() - started), flush=True)
        while (hopeless := stack.supervise()) is None:
            time.sleep(0.5)
        print(f"{hopeless} keeps stopping; stopping Baton. See {settings.data_dir / 'logs'}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping Baton...", flush=True)
        return 0
    finally:
        stack.stop()
