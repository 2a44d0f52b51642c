"""Background work on Celery (Redis broker): pushes, mail, periodic housekeeping, the outbox."""
