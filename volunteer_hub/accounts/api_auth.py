"""Bearer authentication for the JSON API: ``auth_required`` and ``current_user_or_401``.

They live in accounts, not beside the rest of the API kit in volunteer_hub.core.api, because they turn a bearer
token into a User (accounts.tokens.bearer_user) and core imports no domain. Every domain above accounts may use them
in its api.py. A module of its own (not tokens.py) so the token store stays free of HTTP and OpenAPI concerns."""

from collections.abc import Callable
from functools import wraps

from flask_babel import lazy_gettext as _l

from volunteer_hub.accounts.models import User
from volunteer_hub.accounts.tokens import bearer_user
from volunteer_hub.core.api import BEARER_AUTH, Blueprint
from volunteer_hub.core.errors import NotAuthenticated


def current_user_or_401() -> User:
    user = bearer_user()
    if user is None:
        raise NotAuthenticated(_l("Send a valid bearer token: POST /api/v1/auth/token."))
    return user


def auth_required(view: Callable) -> Callable:
    """Require a bearer token; the user is passed to the view as ``user``. The OpenAPI document states the
    requirement through flask-smorest's public Blueprint.doc."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, user=current_user_or_401(), **kwargs)

    return Blueprint.doc(security=BEARER_AUTH)(wrapper)
