"""JSON API v1 for mobile clients: the same services as the pages, bearer-token authentication,
errors as ``{"error": {"code", "message"}}``, and an OpenAPI document at /api/v1/openapi.json.

The one registration point of the API. Each domain owns its HTTP surface in ``<domain>/api.py`` (routes and the
schemas only it uses; schemas a domain above reuses are in ``<domain>/schemas.py``), built with the kit in
volunteer_hub.core.api / core.schemas and accounts.api_auth. A new domain API: add its blueprint to BLUEPRINTS'
list below (the order is the order of the document's tags)."""

import importlib

from volunteer_hub.core.api import API_PREFIX, Api
from volunteer_hub.extensions import csrf

# (module, blueprint attribute), in the order of the OpenAPI document's tags. Importing every module first also
# lets a domain add routes to a lower domain's blueprint (e.g. claims' /me/claims on accounts' api_me) before any
# is registered.
BLUEPRINTS = (
    ("volunteer_hub.api.accounts", "blp"),
    ("volunteer_hub.api.me", "blp"),
    ("volunteer_hub.api.orgs", "blp"),
    ("volunteer_hub.api.tasks", "blp"),
    ("volunteer_hub.api.claims", "blp"),
    ("volunteer_hub.attendance.api", "blp"),
    ("volunteer_hub.api.hours", "blp"),
    ("volunteer_hub.stats.api", "blp"),
    ("volunteer_hub.certificates.api", "blp"),
    ("volunteer_hub.rotas.api", "blp"),
    ("volunteer_hub.api.teams", "blp"),
    ("volunteer_hub.api.help", "blp"),
    ("volunteer_hub.lottery.api", "blp"),
    ("volunteer_hub.outreach.api", "blp"),
    ("volunteer_hub.api.push", "blp"),
    ("volunteer_hub.api.channels", "blp"),
    ("volunteer_hub.api.callouts", "blp"),
)


def init_api(app) -> None:
    blueprints = [getattr(importlib.import_module(module), name) for module, name in BLUEPRINTS]
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
    for blueprint in blueprints:
        # Bearer tokens, not cookies, authenticate the API, so it needs no CSRF token.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint, url_prefix=API_PREFIX)
