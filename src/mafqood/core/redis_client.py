"""Redis clients of every process, made one way."""

from __future__ import annotations

from typing import Any

import redis
from redis.asyncio import Redis
from redis.driver_info import DriverInfo

# Said once per process: left to redis-py, every new connection looks its own version up in the
# installed packages' metadata, which a burst of 200 requests opening connections paid 200 times
# (a tenth of a second of CPU each burst).
DRIVER = DriverInfo(lib_version=redis.__version__)


def redis_client(url: str, **options: Any) -> Redis:
    return Redis.from_url(url, driver_info=DRIVER, **options)
