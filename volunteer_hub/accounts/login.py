"""Flask-Login wiring: a session cookie (and the remember-me cookie) carries a revocable login token."""

from flask_babel import lazy_gettext as _l

from volunteer_hub.accounts import tokens
from volunteer_hub.extensions import login_manager


def init_login(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in first.")
    login_manager.login_message_category = "info"
    # "basic": mobile networks change IP addresses often, so "strong" would log volunteers out mid-shift.
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(raw_token: str):
    return tokens.user_for(raw_token, tokens.SESSION)
