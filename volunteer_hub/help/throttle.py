"""Requests for help are throttled (Flask-Limiter on the shared Redis): each one names a phone number and reaches
a community's organizers. Only sent requests count: per address without an account, per account with one (page
and API share the account's count), so a neighbourhood behind one address is not throttled as one person."""

from flask import current_app
from flask_login import current_user

from volunteer_hub.accounts.tokens import bearer_user
from volunteer_hub.extensions import limiter


def _requester():
    """The signed-in user of the page, or the bearer of the API call; None without an account."""
    return current_user if current_user.is_authenticated else bearer_user()


def _sent(response) -> bool:
    # The page answers a sent request with a redirect, the API with 201.
    return response.status_code in (201, 302)


def _per_ip() -> str:
    return current_app.config["HELP_REQUEST_LIMIT_PER_IP"]


def _per_account() -> str:
    return current_app.config["HELP_REQUEST_LIMIT_PER_ACCOUNT"]


def _account_key() -> str:
    requester = _requester()
    return f"account:{requester.id if requester is not None else 'none'}"


def help_request_limits(view):
    """Throttle a view that sends a request for help: per IP without an account, per account with one."""
    view = limiter.shared_limit(
        _per_account,
        scope="help-request-account",
        key_func=_account_key,
        methods=["POST"],
        deduct_when=_sent,
        exempt_when=lambda: _requester() is None,
    )(view)
    return limiter.shared_limit(
        _per_ip,
        scope="help-request-ip",
        methods=["POST"],
        deduct_when=_sent,
        exempt_when=lambda: _requester() is not None,
    )(view)
