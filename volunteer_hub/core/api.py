"""The kit every domain's JSON API module (``<domain>/api.py``) is built with: the Blueprint (request parsing into
our 400 shape, documented error replies, JSON-only bodies), the Api that serves the OpenAPI document, API_PREFIX.

Bearer authentication (``auth_required``) needs the accounts domain, which core never imports: it lives in
volunteer_hub.accounts.api_auth. Shared field helpers and the base Schema are in volunteer_hub.core.schemas.

flask-smorest and webargs are used through their public API only (issue 22); both are pinned in requirements.txt and
tests/api/test_api_kit.py proves what we rely on:
- errors: flask-smorest registers its own HTTPException handler in ``Api.__init__``; create_app registers the
  app's handlers (volunteer_hub.errors) after init_api, and Flask keeps the last handler registered for a class, so
  every error keeps our ``{"error": {"code", "message"}}`` shape;
- invalid JSON: Parser overrides webargs' public ``load_json`` location loader (webargs' docs name it as the way for
  a parser to treat bodies its own way) instead of its internal hooks;
- the bearer security requirement is documented with the public ``Blueprint.doc``.
"""

import json
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar, cast

import flask_smorest
import marshmallow as ma
from flask import Request, current_app, request
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.utils import resolve_schema_instance
from webargs.flaskparser import FlaskParser, is_json_request

from volunteer_hub.core.errors import DomainError, ValidationError
from volunteer_hub.core.schemas import ErrorOut

View = TypeVar("View", bound=Callable[..., Any])

API_PREFIX = "/api/v1"
# The OpenAPI security requirement of an endpoint that needs a bearer token (scheme declared in init_api).
BEARER_AUTH: list[dict[str, list[str]]] = [{"bearerAuth": []}]

# Marshmallow's built-in messages, in the request's language.
_MESSAGES = {
    "Missing data for required field.": _l("This field is required."),
    "Field may not be null.": _l("This field may not be empty."),
    "Not a valid integer.": _l("Enter a whole number."),
    "Not a valid number.": _l("Enter a number."),
    "Not a valid string.": _l("Enter text."),
    "Not a valid boolean.": _l("Enter true or false."),
    "Not a valid list.": _l("Enter a list."),
    "Not a valid date.": _l("Enter a date as YYYY-MM-DD."),
    "Not a valid datetime.": _l("Enter a date and time in ISO 8601 with an offset, e.g. 2020-02-03T08:00:00+08:00."),
    "Not a valid aware datetime.": _l("Include the time zone offset, e.g. +08:00."),
    "Not a valid mapping type.": _l("Enter an object."),
    "Invalid input type.": _l("The request body must be a JSON object."),
    "Unknown field.": _l("This field is not accepted here."),
    "Special numeric values (nan or infinity) are not permitted.": _l("Enter a finite number."),
}


def _flatten(messages: Any, prefix: str = "") -> dict[str, str]:
    """{'shifts': {0: {'capacity': ['...']}}} -> {'shifts.0.capacity': '...'} with messages translated."""
    flat: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = prefix if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
            flat.update(_flatten(value, name))
    elif isinstance(messages, list | tuple):
        if messages and all(isinstance(m, str | ma.ValidationError) or hasattr(m, "format") for m in messages):
            first = messages[0]
            flat[prefix or "body"] = str(_MESSAGES.get(str(first), first))
        else:
            for item in messages:
                flat.update(_flatten(item, prefix))
    else:
        flat[prefix or "body"] = str(_MESSAGES.get(str(messages), messages))
    return flat


class Parser(FlaskParser):
    """Turn webargs/marshmallow failures into the API's 400 validation error with per-field messages."""

    DEFAULT_VALIDATION_STATUS = 400

    def handle_error(
        self, error: ma.ValidationError, req: Request, schema: ma.Schema, *, error_status_code: Any, error_headers: Any
    ) -> NoReturn:
        messages = error.messages
        if isinstance(messages, dict) and len(messages) == 1:
            messages = next(iter(messages.values()))  # drop the location key ("json", "query")
        raise ValidationError(fields=_flatten(messages))

    def load_json(self, req: Request, schema: ma.Schema) -> Any:
        """The JSON body (missing when the request is not JSON or has no body), parsed by the app's JSON provider
        (which refuses a body nested too deeply); a malformed body is our 400 ``invalid_json``. Same outcome as
        webargs' own ``load_json``, which answers its own 400 shape."""
        if not is_json_request(req):
            return ma.missing
        try:
            return current_app.json.loads(req.get_data(cache=True))
        except json.JSONDecodeError as exc:
            if exc.doc == "":
                return ma.missing
            raise ValidationError(_l("The request body is not valid JSON."), code="invalid_json") from exc
        except UnicodeDecodeError as exc:
            raise ValidationError(_l("The request body is not valid JSON."), code="invalid_json") from exc


_ERROR_DESCRIPTIONS = {
    400: "Validation failed: `fields` maps each field to its message.",
    401: "Missing or invalid bearer token, or wrong credentials.",
    403: "Not allowed for this user (organisation scope).",
    404: "No such object (or not visible to this user).",
    409: "The current state forbids it; `code` says why.",
    429: "Too many attempts; see Retry-After.",
}


class Blueprint(SmorestBlueprint):  # type: ignore[misc]  # flask-smorest ships no types
    ARGUMENTS_PARSER = Parser()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.before_request(prepare_request)

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Callable[[View], View]:
        """flask-smorest's, with the schema built once: webargs builds a Schema class anew for every request,
        a third of a small request's time."""
        return cast(Callable[[View], View], super().arguments(resolve_schema_instance(schema), *args, **kwargs))

    def errors(self, *statuses: int) -> Callable[[View], View]:
        """Document an endpoint's error replies (every one has the ``{"error": {...}}`` shape)."""

        def decorator(view: View) -> View:
            for status in (*statuses, 415):
                view = self.alt_response(status, schema=ErrorOut, description=_ERROR_DESCRIPTIONS.get(status))(view)
            return view

        return decorator


def prepare_request() -> None:
    """Refuse non-JSON bodies with 415 rather than a confusing list of missing fields."""
    if request.method in ("POST", "PUT", "PATCH") and request.content_length and not request.is_json:
        raise DomainError(
            _l("Send the request body as JSON (Content-Type: application/json)."),
            code="unsupported_media_type",
            status=415,
        )


class Api(flask_smorest.Api):  # type: ignore[misc]  # flask-smorest ships no types
    """flask-smorest's Api without its default error reply in the document: each endpoint documents its own errors
    in our shape (Blueprint.errors). Its HTTPException handler is replaced by the app's (see the module docstring)."""

    DEFAULT_ERROR_RESPONSE_NAME = None
