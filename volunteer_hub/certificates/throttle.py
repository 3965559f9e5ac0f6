"""Lookups of unknown verification codes are throttled per address (shared by the page and the API), so codes
cannot be found by guessing; looking up a real code costs nothing."""

from flask import current_app

from volunteer_hub.extensions import limiter


def _limit() -> str:
    return current_app.config["CERT_LOOKUP_MISS_LIMIT"]


def _missed(response) -> bool:
    return response.status_code == 404


def lookup_limits(view):
    """Throttle a certificate lookup view: only answers 'no such certificate' count."""
    return limiter.shared_limit(_limit, scope="cert-lookup", deduct_when=_missed)(view)
