"""A Baton worker process for benchmarks: the real worker plus the probe, no-op and bare-chain workflows."""

from __future__ import annotations

import asyncio
import concurrent.futures
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from baton.worker import build_worker, connect_with_retry
from bench.bare_chain import BareChainWorkflow
from bench.noop import NoopWorkflow
from schemas.kernel.config import load_settings
from store.db import Database
from tests.support.workflows import SUPPORT_WORKFLOWS


async def main() -> None:
    settings = load_settings()
    client = await connect_with_retry(settings)
    db = Database(settings.database_url)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as executor:
        workflows = [*SUPPORT_WORKFLOWS, NoopWorkflow, BareChainWorkflow]
        async with build_worker(client, settings, db, executor, extra_workflows=workflows):
            print("ready", flush=True)
            await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
