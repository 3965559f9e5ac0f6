"""HTTP-level protections: security headers, no caching of personal data, Secure cookies over HTTPS, safe
redirects."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask_login import current_user
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# Only our own origin; no inline scripts or styles, no framing, no foreign form targets.
CSP = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_security(app: Flask) -> None:
    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)  # type: ignore[method-assign]  # how WSGI middleware goes in
    if app.config["TRUSTED_PROXIES"]:
        count = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]
    # HSTS is only sent on HTTPS requests; redirects to HTTPS are the reverse proxy's job.
    Talisman(
        app,
        force_https=False,
        session_cookie_secure=False,
        content_security_policy=CSP,
        frame_options="DENY",
        referrer_policy="same-origin",
        strict_transport_security=True,
    )
    app.after_request(keep_personal_data_out_of_caches)


def keep_personal_data_out_of_caches(response: Response) -> Response:
    """Cache-Control: no-store on everything that may hold personal data: every API answer (errors included),
    every page for a signed-in user (their name, phone, rosters, residents' addresses...) and every answer to a
    form (it echoes what was typed). Left cacheable: hashed assets (public) and anonymous public pages; an
    anonymous page with personal data (a secret follow-up link) says so itself with core.responses.no_store."""
    if response.cache_control.public or response.cache_control.no_store:
        return response
    if request.path.startswith("/api/") or request.method not in ("GET", "HEAD") or current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response


class SecureCookiesOverHttps:
    """WSGI middleware: every cookie (session, remember-me, language) is Secure when served over HTTPS.

    It sits inside ProxyFix, so a TLS-terminating proxy's X-Forwarded-Proto counts, and it sees the session
    cookie, which Flask writes after all after_request hooks have run.
    """

    def __init__(self, wsgi_app: "WSGIApplication") -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: "WSGIEnvironment", start_response: "StartResponse") -> Iterable[bytes]:
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def start_secure(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers = [
                (name, f"{value}; Secure")
                if name.lower() == "set-cookie" and "; secure" not in value.lower()
                else (name, value)
                for name, value in headers
            ]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_secure)


def safe_next(target: str | None, default: str) -> str:
    """Follow 'next' only to a path on this site: no scheme, no host, no '//' or backslash tricks."""
    if not target or len(target) > 500:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
