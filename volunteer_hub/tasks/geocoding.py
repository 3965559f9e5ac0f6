"""Turning an organizer's address into a point (geopy, Nominatim by default, rate-limited).

Coordinates stay WGS-84 as Nominatim returns them. A provider that answers in GCJ-02 (AMap, Tencent, Baidu)
would need converting here, at the boundary, never inside the data.
"""

import logging
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from volunteer_hub import outbox
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import GeocodeStatus, Task
from volunteer_hub.tasks.services import MATCH_TASK

log = logging.getLogger(__name__)
NOT_FOUND, UNAVAILABLE = "not_found", "unavailable"  # stored in Task.geocode_error


@cache
def _geocoder(domain: str, scheme: str, user_agent: str, timeout: float):
    """One rate-limited geocoder per process: Nominatim's public service allows about one request a second."""
    nominatim = Nominatim(domain=domain, scheme=scheme, user_agent=user_agent, timeout=timeout)
    return RateLimiter(
        nominatim.geocode, min_delay_seconds=1.0, max_retries=1, error_wait_seconds=2.0, swallow_exceptions=False
    )


def lookup(address: str):
    """(lat, lon) of an address in China, None when not found; raises GeopyError when the provider fails."""
    config = current_app.config
    if not config["GEOCODER_DOMAIN"]:
        raise GeopyError("no geocoding provider is configured")
    geocode = _geocoder(
        config["GEOCODER_DOMAIN"],
        config["GEOCODER_SCHEME"],
        config["GEOCODER_USER_AGENT"],
        config["GEOCODER_TIMEOUT_S"],
    )
    location = geocode(address, country_codes="cn", language="zh")
    return (location.latitude, location.longitude) if location else None


def geocode_task(task_id: int) -> None:
    """Fill in the point of a task waiting for geocoding; on failure say why, so the organizer picks it."""
    task = db.session.get(Task, task_id)
    if task is None or task.geocode_status != GeocodeStatus.PENDING:
        return
    try:
        point = lookup(task.address)
    except GeopyError as exc:
        log.warning("geocoding task %s failed: %s", task_id, exc)
        atomic(_fail, task_id, UNAVAILABLE)
        return
    if point is None:
        atomic(_fail, task_id, NOT_FOUND)
        return
    atomic(_locate, task_id, point)


def failure_message(code: str | None) -> str:
    """Why a task has no point yet, in the reader's language."""
    if code == NOT_FOUND:
        return str(_l("This address was not found. Please pick the place on the map or use your current location."))
    return str(
        _l(
            "The address could not be looked up right now. Please pick the place on the map or use your "
            "current location."
        )
    )


def _fail(task_id: int, code: str) -> None:
    task = db.session.get(Task, task_id)
    if task is None:  # gone meanwhile: nothing to say why
        return
    task.geocode_status, task.geocode_error = GeocodeStatus.FAILED, code


def _locate(task_id: int, point: tuple[float, float]) -> None:
    task = db.session.get(Task, task_id)
    if task is None or task.geocode_status != GeocodeStatus.PENDING:
        return  # the organizer picked the point meanwhile
    task.lat, task.lon = point
    task.geocode_status, task.geocode_error = GeocodeStatus.OK, None
    outbox.record(MATCH_TASK, task_id=task.id)
