"""Site-wide pages: the landing redirect, hashed static assets, the language switch, health."""

from flask import Blueprint, current_app, jsonify, make_response, redirect, request, url_for
from flask_login import current_user

from volunteer_hub.accounts.locale import LANG_COOKIE
from volunteer_hub.core.security import safe_next
from volunteer_hub.extensions import db
from volunteer_hub.templating import serve_asset

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    """Volunteers land on the nearby task list."""
    return redirect(url_for("tasks.index"))


@bp.get("/assets/<digest>/<path:filename>")
def asset(digest: str, filename: str):
    """Static files under a content-hash path, cacheable for a year."""
    return serve_asset(digest, filename)


@bp.post("/lang")
def set_language():
    """Switch the interface language; saved on the profile when logged in, else in a cookie."""
    lang = request.form.get("lang")
    target = safe_next(request.form.get("next"), url_for("tasks.index"))
    if lang not in current_app.config["LANGUAGES"]:
        return redirect(target)
    if current_user.is_authenticated:
        current_user.locale = lang
        db.session.commit()
    response = make_response(redirect(target))
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, httponly=True, samesite="Lax")
    return response


@bp.get("/healthz")
def healthz():
    """Database and Redis reachability, queue lengths, failed jobs and the outbox backlog (503 when down)."""
    from volunteer_hub.health import check

    report = check()
    return jsonify(report), (200 if report["ok"] else 503)
