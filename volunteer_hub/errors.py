"""Error responses: JSON ``{"error": {code, message}}`` under /api/, localized HTML pages elsewhere."""

import logging

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from volunteer_hub.core.errors import DomainError

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
}


def http_message(status: int) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("Please log in first."),
        403: _("You are not allowed to see this page."),
        404: _("This page does not exist, or was removed."),
        405: _("This action is not available here."),
        413: _("What you sent is too large."),
        415: _("Send the request body as JSON (Content-Type: application/json)."),
        429: _("Too many attempts. Please wait a moment and try again."),
        500: _("Something went wrong on our side. Your saved information is safe; please try again."),
    }
    return messages.get(status, _("The request could not be processed."))


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str, **extra):
    response = jsonify({"error": {"code": code, "message": message, **extra}})
    response.status_code = status
    return response


def init_error_handlers(app) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        if wants_json():
            response = jsonify({"error": exc.payload()})
            response.status_code = exc.status
        else:
            page = render_template("errors/error.html", status=exc.status, message=str(exc.message))
            response = app.make_response((page, exc.status))
        if "retry_after" in exc.extra:  # a limit of ours (429): when to try again, as Flask-Limiter says it
            response.headers["Retry-After"] = str(exc.extra["retry_after"])
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        message = _("This form was open too long or came from another site. Go back, reload the page and try again.")
        if wants_json():
            return json_error(400, "csrf_failed", message)
        return render_template("errors/error.html", status=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        # Flask-Limiter adds Retry-After to 429 responses in its after_request hook.
        if wants_json():
            return json_error(status, HTTP_CODES.get(status, "error"), http_message(status))
        return render_template("errors/error.html", status=status, message=http_message(status)), status

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return http_error(InternalServerError())
