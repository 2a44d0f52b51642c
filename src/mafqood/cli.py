"""`mafqood` command line: serve, migrate, worker, beat, docs."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from typing import Any

from mafqood.composition.runtime import prepare_runtime
from mafqood.core.config import get_settings
from mafqood.core.logging import configure_logging
from mafqood.worker.app import QUEUE, VISION_QUEUE


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
    processes = api_processes(settings.api_workers, os.cpu_count())
    if processes > 1:
        # Before the workers start, so that every process writes to the same place.
        _share_metrics(settings.data_dir)
    # The same architecture as production: background work runs in a Celery worker and
    # periodic jobs come from beat, both child processes of this one.
    supervisor = None
    if settings.serve_workers and not args.no_workers:
        from mafqood.worker.supervisor import (
            Supervisor,
            default_vision_concurrency,
            worker_commands,
        )

        commands = worker_commands(
            settings.worker_pool,
            settings.worker_concurrency,
            settings.vision_workers,
            settings.vision_worker_concurrency or default_vision_concurrency(),
        )
        supervisor = Supervisor(commands)
        supervisor.start()
    options: dict[str, Any] = {
        "host": args.host or settings.host,
        "port": args.port or settings.port,
        "proxy_headers": False,
        "log_level": settings.log_level.lower(),
        # Every request already has its structured line (mafqood.access, with its request
        # id and route); uvicorn's own second line only cost CPU.
        "access_log": False,
    }
    try:
        if processes == 1:
            uvicorn.run(create_app(settings, serving=True), **options)
        else:
            # uvicorn binds the socket here and starts the processes that share it (and
            # replaces one that dies); each builds the app from the environment exported above.
            os.environ[SERVE_PID_ENV] = str(os.getpid())
            uvicorn.run("mafqood.cli:api_process_app", factory=True, workers=processes, **options)
    finally:
        if supervisor is not None:
            supervisor.stop()
        runtime.stop()
    return 0


SERVE_PID_ENV = "MAFQOOD_SERVE_PID"


def api_processes(setting: int, cores: int | None) -> int:
    """API_WORKERS, or one process per core when it is 0."""
    return setting or max(1, cores or 1)


def api_process_app() -> Any:
    """The app of one of the API processes `serve` starts: it goes when `serve` goes, even
    killed with SIGKILL, like the workers."""
    from mafqood.main import create_app
    from mafqood.worker.launcher import die_with_parent

    die_with_parent(int(os.environ[SERVE_PID_ENV]))
    return create_app(serving=True)


def _share_metrics(data_dir: Path) -> None:
    """/metrics adds up the counters of every API process (prometheus multiprocess mode),
    from a directory emptied at each start, unless one is configured."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    directory = data_dir / "prometheus"
    if directory.exists():
        for stale in directory.glob("*.db"):
            stale.unlink()
    directory.mkdir(parents=True, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)


def _servers_configured() -> bool:
    settings = get_settings()
    if settings.database_url and settings.redis_url:
        return True
    print(
        "set DATABASE_URL and REDIS_URL (the servers the API uses); "
        "`mafqood serve` starts a worker and beat itself",
        file=sys.stderr,
    )
    return False


def _worker(args: argparse.Namespace) -> int:
    if not _servers_configured():
        return 2
    from mafqood.composition.worker import install
    from mafqood.matching.tasks import VISION_WORKER_ENV
    from mafqood.worker.app import app

    # Before any task runs: the worker runtime builds the process's objects with it.
    install()
    settings = get_settings()
    queues = args.queues or QUEUE
    if VISION_QUEUE in queues.split(","):
        os.environ[VISION_WORKER_ENV] = "1"
    app.worker_main(
        [
            "worker",
            "--queues",
            queues,
            "--pool",
            args.pool or settings.worker_pool,
            "--concurrency",
            str(args.concurrency or settings.worker_concurrency),
            "--loglevel",
            settings.log_level.upper(),
            *args.celery_args,
        ]
    )
    return 0


def _beat(args: argparse.Namespace) -> int:
    if not _servers_configured():
        return 2
    from mafqood.worker.app import app

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    app.start(
        [
            "beat",
            "--schedule",
            str(settings.data_dir / "celerybeat-schedule"),
            "--loglevel",
            settings.log_level.upper(),
            *args.celery_args,
        ]
    )
    return 0


def _exit_on_signal(signum: int, _frame: Any) -> None:
    sys.exit(128 + signum)


def _migrate(_: argparse.Namespace) -> int:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    prepare_runtime(settings).stop()
    print("database is at the latest schema")
    return 0


def _prepare_models(args: argparse.Namespace) -> int:
    from mafqood.vision.export import export_lite0

    model_dir = args.model_dir or get_settings().model_dir
    result = export_lite0(model_dir, force=args.force)
    state = (
        f"exported (max diff vs torch {result.max_abs_diff:.1e})" if result.exported else "ready"
    )
    print(f"{result.path}: {state}")
    return 0


def _eval(args: argparse.Namespace) -> int:
    from mafqood.vision.cli import run_eval

    return run_eval(args)


def _reindex(args: argparse.Namespace) -> int:
    import asyncio

    from mafqood.composition.container import Container
    from mafqood.composition.texts import register_texts
    from mafqood.matching.models_loader import search_window
    from mafqood.matching.reindex import print_progress, reindex

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    # New matches notify their owners.
    register_texts(settings)
    runtime = prepare_runtime(settings)

    async def run() -> int:
        container = Container.build(settings, runtime.database_url, runtime.redis_url)
        try:
            stats = await reindex(
                container.sessionmaker,
                container.storage,
                container.vision,
                batch_size=args.batch_size,
                limit=args.limit,
                rematch_window=search_window(settings) if args.rematch else None,
                progress=print_progress,
            )
        finally:
            await container.close()
        print(
            f"reindexed {stats.done} items ({stats.missing_photo} without a photo), "
            f"{stats.matches_created} new matches, {stats.remaining} still to do"
        )
        return 0

    try:
        return asyncio.run(run())
    finally:
        runtime.stop()


def _docs(args: argparse.Namespace) -> int:
    from mafqood.docs.generate import write_docs

    for path in write_docs(args.out, args.postman):
        print(f"wrote {path}")
    return 0


def _create_venue(args: argparse.Namespace) -> int:
    import asyncio
    import getpass

    from pydantic import ValidationError

    from mafqood.composition.container import Container
    from mafqood.core.errors import AppError
    from mafqood.venues.bootstrap import create_venue_with_owner
    from mafqood.venues.schemas import VenueIn

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    try:
        venue = VenueIn(
            name=args.name,
            location=args.location or args.name,
            location_type=args.location_type,
            latitude=args.latitude,
            longitude=args.longitude,
            desk_phone=args.desk_phone,
            desk_email=args.desk_email,
        )
    except ValidationError as exc:
        print(exc, file=sys.stderr)
        return 2
    password = os.environ.get("MAFQOOD_OWNER_PASSWORD")
    if not password and sys.stdin.isatty():
        password = getpass.getpass("Password for the owner (if a new account): ")
    runtime = prepare_runtime(settings)

    async def run() -> int:
        container = Container.build(settings, runtime.database_url, runtime.redis_url)
        try:
            async with container.sessionmaker() as uow:
                created = await create_venue_with_owner(
                    uow,
                    container,
                    venue,
                    args.owner_email,
                    args.owner_name,
                    password
                    or (getpass.getpass("Owner's new password: ") if sys.stdin.isatty() else None),
                )
                await uow.commit()
        except (AppError, ValidationError) as exc:
            print(f"not created: {exc}", file=sys.stderr)
            return 1
        finally:
            await container.close()
        account = "new account" if created.new_account else "existing account"
        print(f"venue {created.venue_id} created; owner {created.owner_email} ({account})")
        print(f"sign in at http://{settings.host}:{settings.port}/staff/")
        return 0

    try:
        return asyncio.run(run())
    finally:
        runtime.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mafqood", description="Mafqood backend")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API (embedded servers by default)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument(
        "--no-workers", action="store_true", help="do not start a Celery worker and beat"
    )
    serve.set_defaults(func=_serve)
    worker = commands.add_parser("worker", help="run a Celery worker (background jobs)")
    worker.add_argument("--pool", choices=["prefork", "threads", "solo"])
    worker.add_argument("--concurrency", type=int)
    worker.add_argument(
        "--queues",
        help=f"comma-separated; default {QUEUE!r} (mail, notifications, housekeeping); "
        f"{VISION_QUEUE!r} for a vision worker (photo analysis and matching)",
    )
    worker.set_defaults(func=_worker, passes_options=True)
    beat = commands.add_parser("beat", help="run Celery beat (sends the periodic jobs)")
    beat.set_defaults(func=_beat, passes_options=True)
    migrate = commands.add_parser("migrate", help="bring the database to the latest schema")
    migrate.set_defaults(func=_migrate)
    prepare = commands.add_parser("prepare-models", help="export the image model to ONNX once")
    prepare.add_argument("--model-dir", type=Path, help="default: MODEL_DIR setting")
    prepare.add_argument("--force", action="store_true", help="export even if up to date")
    prepare.set_defaults(func=_prepare_models)
    again = commands.add_parser(
        "reindex", help="recompute vectors of items made by another model (resumable)"
    )
    again.add_argument("--batch-size", type=int, default=16)
    again.add_argument("--limit", type=int, help="stop after N items (run again to go on)")
    again.add_argument("--rematch", action="store_true", help="also look for new matches")
    again.set_defaults(func=_reindex)
    evaluate = commands.add_parser("eval", help="matching quality on folders with labels.csv")
    evaluate.add_argument("folders", nargs="+", type=Path, metavar="DIR")
    evaluate.add_argument("--limit", type=int, help="only the first N photos of each folder")
    evaluate.add_argument("--top-k", type=int, help="global-search candidates to re-rank")
    evaluate.add_argument("--dump", type=Path, help="write every scored pair as JSON lines")
    evaluate.set_defaults(func=_eval)
    docs = commands.add_parser(
        "docs", help="write the ER diagram and the Postman collection made from the code"
    )
    docs.add_argument("--out", type=Path, default=Path("docs"), help="default: docs")
    docs.add_argument("--postman", type=Path, help="default: OUT/mafqood.postman_collection.json")
    docs.set_defaults(func=_docs)
    venue = commands.add_parser(
        "create-venue",
        help="create a venue and its owner (a new account unless the email has one); the "
        "password of a new account comes from MAFQOOD_OWNER_PASSWORD or a prompt",
    )
    venue.add_argument("--name", required=True)
    venue.add_argument("--owner-email", required=True)
    venue.add_argument("--owner-name", default="Venue owner")
    venue.add_argument("--location", help="address; default: the name")
    venue.add_argument("--location-type", default="mall")
    venue.add_argument("--latitude", type=float, required=True)
    venue.add_argument("--longitude", type=float, required=True)
    venue.add_argument("--desk-phone")
    venue.add_argument("--desk-email")
    venue.set_defaults(func=_create_venue)
    # worker and beat pass options they do not know on to celery.
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "passes_options", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.celery_args = extra
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
