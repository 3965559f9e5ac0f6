"""Invitations (to a Party branch, to a role) are throttled per organizer, shared by the page and the API
(Flask-Limiter on the shared Redis): a number is invited only by typing it, and only sent invitations count."""

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from volunteer_hub.accounts.tokens import bearer_user
from volunteer_hub.extensions import limiter


def _organizer_key() -> str:
    user = bearer_user() or (current_user if current_user.is_authenticated else None)
    return f"user:{user.id}" if user is not None else f"ip:{get_remote_address()}"


def _sent(response) -> bool:
    # The page answers a sent invitation with a redirect, the API with 202; refusals and typos cost nothing.
    return response.status_code in (202, 303)


def invite_limits(setting: str):
    """Throttle views that send one kind of invitation, per organizer, at the rate named by config[setting]; the
    views given the same setting share one count."""

    def decorate(view):
        return limiter.shared_limit(
            lambda: current_app.config[setting],
            scope=setting,
            key_func=_organizer_key,
            deduct_when=_sent,
            methods=["POST"],
        )(view)

    return decorate
