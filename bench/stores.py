"""Where a micro-benchmark keeps its run: a fresh folder under bench/out/, the database (the PostgreSQL URL given,
else a new SQLite file there) and Redis (REDIS_URL, else an embedded one in that folder)."""

import os
import time
from pathlib import Path

from volunteer_hub.config import normalise_database_url
from volunteer_hub.core import redis as embedded_redis

ROOT = Path(__file__).resolve().parent.parent


def run_stores(database: str, name: str) -> tuple[Path, str, str]:
    """(the run's folder, the SQLAlchemy URL, the Redis URL) for a benchmark called ``name``."""
    out = ROOT / "bench" / "out" / time.strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    url = normalise_database_url(database) if database else f"sqlite:///{out / f'{name}.db'}"
    return out, url, os.environ.get("REDIS_URL") or embedded_redis.start_embedded(str(out))
