"""Login and registration throttling (Flask-Limiter on the shared Redis, so all web processes agree).

Per IP every attempt counts; per account only failed attempts count, so a volunteer who mistypes a few times
is slowed down while someone guessing one person's password from many addresses is stopped.
"""

from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from volunteer_hub.accounts.phones import normalise_mobile
from volunteer_hub.accounts.tokens import bearer_user
from volunteer_hub.extensions import limiter


def _body():
    data = request.get_json(silent=True) if request.is_json else request.form
    return data if isinstance(data, dict) or hasattr(data, "get") else {}


def _account_key() -> str:
    raw = _body().get("phone", "")
    return f"account:{normalise_mobile(str(raw)) or str(raw)[:32]}"


def _code_login() -> bool:
    """A login with an SMS code is not a password attempt: the password throttle neither counts nor blocks it (the
    code's own tries and the per-number send limits bound it), so a number whose password attempts are blocked by
    someone else can still get in."""
    body = _body()
    return bool(body.get("code")) and not body.get("password")


def _failed(response) -> bool:
    # Pages answer a failed login with the form again (200); the API with 401.
    return response.status_code in (200, 401) and request.method == "POST"


def _per_ip():
    return current_app.config["LOGIN_LIMIT_PER_IP"]


def _per_account():
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def _register_limit():
    return current_app.config["REGISTER_LIMIT_PER_IP"]


def login_limits(view):
    """Throttle a login or token view per IP and per account."""
    view = limiter.limit(
        _per_account,
        key_func=_account_key,
        deduct_when=_failed,
        exempt_when=_code_login,
        methods=["POST"],
        scope="login-account",
    )(view)
    return limiter.limit(_per_ip, methods=["POST"], scope="login-ip")(view)


def _bad_code(response) -> bool:
    return response.status_code == 400 and request.method == "POST"


def code_limits(view):
    """Throttle a view that takes a one-time code (password reset, login by code) like a login: every attempt per
    IP, failed ones per account. Kept apart from the password throttle's counters."""
    view = limiter.limit(
        _per_account, key_func=_account_key, deduct_when=_bad_code, methods=["POST"], scope="code-account"
    )(view)
    return limiter.limit(_per_ip, methods=["POST"], scope="code-ip")(view)


def register_limits(view):
    """Throttle account creation per IP."""
    return limiter.limit(_register_limit, methods=["POST"], scope="register-ip")(view)


def _user_key() -> str:
    user = bearer_user() or (current_user if current_user.is_authenticated else None)
    return f"user:{user.id}" if user is not None else f"ip:{get_remote_address()}"


def per_user_limits(setting: str, *, counted: tuple[int, ...], per: str | None = None):
    """Throttle a POST view at the rate named by config[setting], per signed-in user (page or API), or with
    ``per`` naming a URL parameter, per that object (e.g. per shift). Only answers with a status in ``counted`` (what
    was really sent or done) count; views given the same setting share one count."""

    def key() -> str:
        return f"{per}:{(request.view_args or {}).get(per)}" if per else _user_key()

    def decorate(view):
        return limiter.shared_limit(
            lambda: current_app.config[setting],
            scope=setting,
            key_func=key,
            deduct_when=lambda response: response.status_code in counted,
            methods=["POST"],
        )(view)

    return decorate
