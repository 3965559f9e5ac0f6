"""Helpers for the attendance tests: frozen time, points at a distance from the post, CSRF-carrying forms."""

import re

import time_machine
from geopy.distance import geodesic

POST = (22.5431, 114.0579)  # the task's point in make_task (WGS-84)
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def at(moment):
    """Freeze the clock at moment (time.time, datetime.now and itsdangerous all see it)."""
    return time_machine.travel(moment, tick=False)


def point(metres: float, bearing: float = 90, accuracy_m: float = 20) -> dict:
    """A position metres away from the post (geodesic on WGS-84)."""
    there = geodesic(meters=metres).destination(POST, bearing)
    return {"lat": there.latitude, "lon": there.longitude, "accuracy_m": accuracy_m}


def form_post(client, url, data=None, **kwargs):
    """Submit a form with the session's CSRF token, as a browser would."""
    token = _CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)
