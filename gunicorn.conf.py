"""gunicorn settings read from the working directory (Procfile's web process, the benchmarks)."""

import gc


def post_worker_init(worker):
    """Move the loaded app's objects out of the collector's reach: a full collection of them pauses a
    request for ~70 ms on a small machine (it was most of the nearby list's p99), and they live forever."""
    gc.collect()
    gc.freeze()
