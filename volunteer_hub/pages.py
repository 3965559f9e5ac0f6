"""Site-wide pages: the landing redirect, hashed static assets, the language switch, health, the web app manifest
and the service worker."""

from pathlib import Path

from flask import Blueprint, current_app, jsonify, make_response, redirect, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from volunteer_hub.accounts.locale import LANG_COOKIE
from volunteer_hub.core.security import safe_next
from volunteer_hub.extensions import db
from volunteer_hub.templating import asset_url, serve_asset

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


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: the site can be added to the home screen (and then, on iOS, receive push)."""
    lang = request.args.get("lang")
    if lang not in current_app.config["LANGUAGES"]:
        lang = current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(lang):
        name = _("Volunteer Hub")
        body = {
            "name": name,
            "short_name": name,
            "lang": "en" if lang == "en" else "zh-CN",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ededed",
            "theme_color": "#067a3d",
            "icons": [
                {"src": asset_url(f"icons/{kind}-{n}.png"), "sizes": f"{n}x{n}", "type": "image/png", "purpose": use}
                for kind, use in (("icon", "any"), ("maskable", "maskable"))
                for n in (192, 512)
            ],
        }
    response = current_app.response_class(current_app.json.dumps(body), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker, served from the root so its scope is the whole site. Never cached long: browsers look
    for a new version on each visit and must find it."""
    script = (Path(current_app.static_folder) / "sw.js").read_bytes()
    return current_app.response_class(script, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})
