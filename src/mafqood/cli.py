"""`mafqood` command line: serve, migrate."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any

from mafqood.core.config import get_settings
from mafqood.core.logging import configure_logging
from mafqood.core.runtime import prepare_runtime


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from mafqood.main import create_app

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    # uvicorn re-raises SIGTERM once it has shut down; turning it into SystemExit lets the
    # embedded servers be stopped on the way out instead of the process dying on the spot.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    # Start embedded servers once here so the app (and its workers) share them.
    runtime = prepare_runtime(settings, export_env=True)
    settings = settings.model_copy(
        update={"database_url": runtime.database_url, "redis_url": runtime.redis_url}
    )
    try:
        uvicorn.run(
            create_app(settings),
            host=args.host or settings.host,
            port=args.port or settings.port,
            proxy_headers=False,
            log_level=settings.log_level.lower(),
        )
    finally:
        runtime.stop()
    return 0


def _exit_on_signal(signum: int, _frame: Any) -> None:
    sys.exit(128 + signum)


def _migrate(_: argparse.Namespace) -> int:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    prepare_runtime(settings).stop()
    print("database is at the latest schema")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mafqood", description="Mafqood backend")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API (embedded servers by default)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(func=_serve)
    migrate = commands.add_parser("migrate", help="bring the database to the latest schema")
    migrate.set_defaults(func=_migrate)
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
