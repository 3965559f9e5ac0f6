"""JSON API v1 for mobile clients: the same services as the pages, bearer-token authentication,
errors as ``{"error": {"code", "message"}}``, and an OpenAPI document at /api/v1/openapi.json.

This is the API's one registration point; the API itself lives in the domains. Each domain owns its HTTP surface
in ``<domain>/api.py`` (its routes and the schemas only it uses; schemas a domain above reuses sit in
``<domain>/schemas.py``), built with the kit in volunteer_hub.core.api and core.schemas, and bearer authentication
from volunteer_hub.accounts.api_auth. A new domain API: import its module below and add its blueprint to the list
(the list's order is the order of the OpenAPI document's tags)."""

from flask import Flask

from volunteer_hub.core.api import API_PREFIX, Api
from volunteer_hub.extensions import csrf


def init_api(app: Flask) -> None:
    # Importing every domain's api module before registering any blueprint also lets a domain add routes to a
    # lower domain's blueprint: claims' /me/claims, matching's /me/recommendations and notifications' /me/notifications
    # on accounts' api_me; tasks' /tasks/<id>/notices on notifications' api_channels.
    from volunteer_hub.accounts import api as accounts
    from volunteer_hub.attendance import api as attendance
    from volunteer_hub.callouts import api as callouts
    from volunteer_hub.certificates import api as certificates
    from volunteer_hub.claims import api as claims
    from volunteer_hub.handovers import api as handovers
    from volunteer_hub.help import api as help_requests
    from volunteer_hub.hours import api as hours
    from volunteer_hub.incidents import api as incidents
    from volunteer_hub.lottery import api as lottery
    from volunteer_hub.matching import api as matching  # noqa: F401  (only routes on accounts.me_blp)
    from volunteer_hub.notifications import api as notifications
    from volunteer_hub.orgs import api as orgs
    from volunteer_hub.outreach import api as outreach
    from volunteer_hub.posts import api as posts
    from volunteer_hub.rotas import api as rotas
    from volunteer_hub.stats import api as stats
    from volunteer_hub.supplies import api as supplies
    from volunteer_hub.tasks import api as tasks
    from volunteer_hub.teams import api as teams

    app.config.update(
        API_TITLE="Volunteer Hub API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = Api(
        app,
        spec_kwargs={
            "components": {
                "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            },
        },
    )
    for blueprint in (
        accounts.blp,
        accounts.me_blp,
        orgs.blp,
        tasks.blp,
        claims.blp,
        attendance.blp,
        hours.blp,
        stats.blp,
        certificates.blp,
        rotas.blp,
        teams.blp,
        help_requests.blp,
        lottery.blp,
        outreach.blp,
        notifications.push_blp,
        notifications.channels_blp,
        callouts.blp,
        posts.blp,
        supplies.blp,
        handovers.blp,
        incidents.blp,
    ):
        # Bearer tokens, not cookies, authenticate the API, so it needs no CSRF token.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint, url_prefix=API_PREFIX)
