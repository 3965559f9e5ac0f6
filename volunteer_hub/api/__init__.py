"""JSON API v1 for mobile clients: the same services as the pages, bearer-token authentication,
errors as ``{"error": {"code", "message"}}``, and an OpenAPI document at /api/v1/openapi.json."""

import flask_smorest

from volunteer_hub.api.common import API_PREFIX
from volunteer_hub.extensions import csrf


class Api(flask_smorest.Api):
    DEFAULT_ERROR_RESPONSE_NAME = None  # each endpoint documents its own errors in our shape

    def _register_error_handlers(self):
        """Errors are rendered by volunteer_hub.errors for the whole app (JSON here, HTML on pages)."""


def init_api(app) -> None:
    import volunteer_hub.api.help as help_requests
    import volunteer_hub.api.lottery as lottery_api
    import volunteer_hub.api.push as push_api
    import volunteer_hub.api.teams as teams_api
    from volunteer_hub.api import (
        accounts,
        attendance,
        callouts,
        certificates,
        claims,
        hours,
        me,
        orgs,
        outreach,
        rotas,
        stats,
        tasks,
    )
    from volunteer_hub.api import channels as channels_api
    from volunteer_hub.api import incidents as incidents_api

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
    for module in (
        accounts,
        me,
        orgs,
        tasks,
        claims,
        attendance,
        hours,
        stats,
        certificates,
        rotas,
        teams_api,
        help_requests,
        lottery_api,
        outreach,
        push_api,
        channels_api,
        callouts,
        incidents_api,
    ):
        # Bearer tokens, not cookies, authenticate the API, so it needs no CSRF token.
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp, url_prefix=API_PREFIX)
