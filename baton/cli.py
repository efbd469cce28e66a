"""The ``baton`` command: dev, worker, web, migrate, demo-data, mail-catcher, audit verify."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from schemas.kernel.config import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="baton", description="Baton: processes that keep customers with the company.")
    parser.add_argument("--log-level", default="INFO")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("dev", help="run the whole local stack (Temporal dev server, worker, web)")
    commands.add_parser("worker", help="run a Temporal worker")
    commands.add_parser("web", help="serve the web app and the JSON API")
    commands.add_parser("migrate", help="apply database migrations")
    commands.add_parser("demo-data", help="load the demo company into an empty database")
    commands.add_parser("mail-catcher", help="run the dev SMTP mail catcher (messages under <data dir>/mailbox)")
    audit = commands.add_parser("audit", help="check the audit log").add_subparsers(dest="audit_command", required=True)
    audit_verify = audit.add_parser("verify", help="recompute the hash chain; non-zero exit when it is broken")
    audit_verify.add_argument("--anchor", help="a head hash printed by an earlier run that must still be in the log")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # the stack polls /healthz; keep the log readable
    settings = load_settings()

    if args.command == "dev":
        from baton.stack import run_dev

        return run_dev(settings)
    if args.command == "worker":
        from baton.worker import run_worker

        asyncio.run(run_worker(settings))
        return 0
    if args.command == "web":
        import uvicorn

        from web.app import create_app

        uvicorn.run(
            create_app(settings),
            host=settings.web_host,
            port=settings.web_port,
            log_level="warning",
            proxy_headers=True,
        )
        return 0
    if args.command == "migrate":
        from store.migrate import upgrade

        upgrade(settings.database_url)
        print(f"Database at head: {settings.database_url}")
        return 0
    if args.command == "demo-data":
        from baton.demo_company import load_demo_company
        from store.db import Database
        from store.migrate import upgrade

        upgrade(settings.database_url)
        loaded = load_demo_company(Database(settings.database_url))
        print("Loaded the demo company." if loaded else "The database is not empty; nothing loaded.")
        return 0
    if args.command == "mail-catcher":
        from baton.mail_catcher import run_mail_catcher
        from store.repo.notifications.mailbox import mailbox_dir

        asyncio.run(run_mail_catcher(mailbox_dir(settings.data_dir), settings.notify.mail_catcher_port))
        return 0
    if args.command == "audit":
        from baton.audit_check import run_verify

        return run_verify(settings.database_url, anchor=args.anchor)
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
