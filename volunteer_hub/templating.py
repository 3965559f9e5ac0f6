"""Jinja helpers: formatting filters, catalogue names, hashed static URLs, the current user's context, and what
a package adds to the pages of one below it (matching's recommendations on the task list)."""

import hashlib
from functools import cache
from pathlib import Path
from typing import cast

from flask import current_app, send_from_directory, url_for
from flask_babel import get_locale
from flask_login import current_user

from volunteer_hub import catalogue
from volunteer_hub.core import formatting
from volunteer_hub.core.timeutil import isoformat, to_local
from volunteer_hub.matching.services import recommendations_for
from volunteer_hub.matching.texts import with_texts
from volunteer_hub.orgs.names import org_name
from volunteer_hub.orgs.rules import shows_party_badge
from volunteer_hub.tasks.geocoding import failure_message

ASSET_MAX_AGE = 365 * 24 * 3600
RECOMMENDED_ON_LIST = 3


@cache
def _digest(root: str, filename: str) -> str:
    return hashlib.sha256((Path(root) / filename).read_bytes()).hexdigest()[:12]


def asset_url(filename: str) -> str:
    """A static URL that changes with the file's content, so phones may cache it for a year."""
    return url_for("pages.asset", digest=_digest(current_app.static_folder, filename), filename=filename)


def serve_asset(digest: str, filename: str):
    response = send_from_directory(cast(str, current_app.static_folder), filename, max_age=ASSET_MAX_AGE)  # the app's
    response.headers["Cache-Control"] = f"public, max-age={ASSET_MAX_AGE}, immutable"
    return response


def recommended_for_me() -> list[dict]:
    """The best few tasks for the logged-in volunteer with a saved location, each with why."""
    if not (current_user.is_authenticated and current_user.has_location):
        return []
    return [
        {"task_id": item.task_id, "title": item.title, "reasons": with_texts(item.reasons)}
        for item in recommendations_for(current_user, limit=RECOMMENDED_ON_LIST)
    ]


def _locale() -> str:
    return str(get_locale() or "zh")


def init_templating(app) -> None:
    app.jinja_env.filters.update(
        when=formatting.when,
        span=lambda shift: formatting.shift_span(shift.starts_at, shift.ends_at),
        clock=formatting.clock,
        day=formatting.day_label,
        full_date=formatting.full_date,
        hours=formatting.hours,
        service_hours=formatting.service_hours,
        calendar_date=formatting.calendar_date,
        calendar_month=formatting.calendar_month,
        distance=formatting.distance,
        iso=isoformat,
        local=to_local,
        task_type=lambda code: catalogue.task_type_name(code, _locale()),
        skill=lambda code: catalogue.skill_name(code, _locale()),
        band=lambda code: catalogue.band_name(code, _locale()),
        qualification=lambda code: catalogue.qualification_name(code, _locale()),
        party_badge=shows_party_badge,
        org_name=org_name,
    )

    @app.context_processor
    def inject():
        from volunteer_hub.notifications.services import count_unread
        from volunteer_hub.orgs.permissions import is_staff

        authenticated = current_user.is_authenticated
        return {
            "asset_url": asset_url,
            "recommended_for_me": recommended_for_me,
            "geocode_message": failure_message,
            "locale": _locale(),
            "unread_count": count_unread(current_user) if authenticated else 0,
            "is_staff": is_staff(current_user) if authenticated else False,
            "catalogue": catalogue,
        }
