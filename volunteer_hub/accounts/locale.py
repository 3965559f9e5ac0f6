"""Which language a request gets: saved preference, cookie, WeChat's own language, Accept-Language, Chinese.
(In accounts, not core: the first answer is the signed-in user's own preference.)"""

import re

from flask import current_app, has_request_context, request
from flask_login import current_user

from volunteer_hub.accounts.tokens import bearer_user

LANG_COOKIE = "lang"
_WECHAT_LANGUAGE = re.compile(r"MicroMessenger/.*Language/(zh|en)", re.IGNORECASE)


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # a job or CLI command: the default, unless the caller forces a locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):
        user = bearer_user()  # the API authenticates by bearer token only, never by the session cookie
    else:
        user = current_user if current_user.is_authenticated else None
    if user is not None and user.locale is not None and user.locale in languages:
        return user.locale
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie is not None and cookie in languages:
        return cookie
    match = _WECHAT_LANGUAGE.search(request.headers.get("User-Agent", ""))
    if match:
        return match.group(1).lower()
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]
