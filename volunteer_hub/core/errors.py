"""Typed domain errors. Pages turn them into flash banners, the API into ``{"error": {code, message}}``."""

from typing import Any

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """A refusal a user can understand: a stable snake_case code, a localized message and an HTTP status."""

    status = 400
    code = "bad_request"
    default_message = _l("The request could not be processed.")

    def __init__(
        self,
        message: object = None,
        *,
        code: str | None = None,
        fields: dict[str, Any] | None = None,
        status: int | None = None,
        **extra: Any,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        if status:
            self.status = status
        self.fields = fields or {}
        self.extra = extra
        super().__init__(str(self.code))

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.fields:
            body["fields"] = {name: str(msg) for name, msg in self.fields.items()}
        body.update(self.extra)
        return body


class ValidationError(DomainError):
    status = 400
    code = "validation_error"
    default_message = _l("Some of the information is missing or invalid.")


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    default_message = _l("Please log in first.")


class NotAllowed(DomainError):
    status = 403
    code = "forbidden"
    default_message = _l("You are not allowed to do this.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _l("Not found.")


class Conflict(DomainError):
    """The request is well-formed but the current state forbids it (full, overlapping, already done...)."""

    status = 409
    code = "conflict"
    default_message = _l("This cannot be done in the current state.")


class RateLimited(DomainError):
    """Too many attempts for now; ``retry_after`` seconds until the next one is accepted (sent as Retry-After)."""

    status = 429
    code = "rate_limited"
    default_message = _l("Too many attempts. Please wait a moment and try again.")

    def __init__(self, message: object = None, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, retry_after=retry_after, **kwargs)
        self.retry_after = retry_after
