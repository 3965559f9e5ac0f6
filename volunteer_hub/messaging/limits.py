"""Per-number sending limits ("1/minute;5/hour;10/day"), kept in the shared Redis so every process agrees.

Checked before a provider is called: the providers enforce the same limits and would answer with an error that
costs a request (and, at Alibaba Cloud, counts against the signature).
"""

import time

from flask import current_app
from limits import parse_many, storage, strategies

_STRATEGY: dict[str, strategies.FixedWindowRateLimiter] = {}


def _limiter() -> strategies.FixedWindowRateLimiter:
    uri = current_app.config["RATELIMIT_STORAGE_URI"]
    if uri not in _STRATEGY:
        _STRATEGY[uri] = strategies.FixedWindowRateLimiter(storage.storage_from_string(uri))
    return _STRATEGY[uri]


def take(setting: str, key: str) -> int:
    """Count one send under the limits named by the config ``setting``, per ``key`` (e.g. a phone number).
    Returns 0 when allowed (and counted), else the seconds until the tightest exhausted window resets (nothing is
    counted then)."""
    limiter, items = _limiter(), parse_many(current_app.config[setting])
    full = [item for item in items if not limiter.test(item, setting, key)]
    if not full:
        if all(limiter.hit(item, setting, key) for item in items):
            return 0
        full = [item for item in items if not limiter.test(item, setting, key)] or items[:1]  # lost a race
    resets = [limiter.get_window_stats(item, setting, key).reset_time for item in full]
    return max(1, int(max(resets) - time.time()) + 1)
