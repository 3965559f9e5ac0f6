"""What every domain's API schemas are built from: the base Schema (unknown fields refused, text and dates checked
as the pages' forms check them), field helpers, validators with messages in the request's language, and the error
reply's shape. A domain's request and response shapes live in its own api.py (or schemas.py when a domain above
reuses them); they document the API (OpenAPI) and check types and ranges, the services apply the business rules.

Marshmallow names OpenAPI components after the schema classes: renaming a class changes the document
(tests/api/test_openapi_document.py)."""

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from volunteer_hub.core.inputs import control_character_error, date_error
from volunteer_hub.core.routing import DB_INT_MAX
from volunteer_hub.core.timeutil import isoformat


def one_of(choices: Iterable[str]) -> validate.OneOf:
    return validate.OneOf(sorted(choices), error=_l("Choose one of: {choices}."))


def length(max_len: int, min_len: int | None = None) -> validate.Length:
    return validate.Length(
        min=min_len,
        max=max_len,
        error=_l("Use {min} to {max} characters.") if min_len else _l("Use at most {max} characters."),
    )


def in_range(low: float, high: float) -> validate.Range:
    return validate.Range(min=low, max=high, error=_l("Must be between {min} and {max}."))


Lat = lambda **kw: fields.Float(validate=in_range(-90, 90), allow_nan=False, **kw)  # noqa: E731
Lon = lambda **kw: fields.Float(validate=in_range(-180, 180), allow_nan=False, **kw)  # noqa: E731
# Integers fit the database's 32-bit columns unless a field says otherwise (a bigger one would fail there: 500).
Int = lambda **kw: fields.Integer(strict=True, **{"validate": in_range(-DB_INT_MAX - 1, DB_INT_MAX), **kw})  # noqa: E731
QueryId = lambda **kw: fields.Integer(validate=in_range(1, DB_INT_MAX), **kw)  # noqa: E731  (query strings are text)


class LocalDateTime(fields.AwareDateTime):
    """Accepts ISO 8601 with an offset; answers in the configured zone (e.g. +08:00)."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return isoformat(value)


class Text(fields.String):
    """Several lines of text (a text area on the pages): tabs and line breaks are allowed."""


def _refuse(find_error: Callable[[Any], object]) -> Callable[[Any], None]:
    """A marshmallow validator raising find_error(value)'s message, in the request's language."""

    def check(value: Any) -> None:
        message = find_error(value)
        if message:
            raise ma.ValidationError(str(message))

    return check


class Schema(ma.Schema):
    class Meta:
        unknown = ma.RAISE  # fields a client does not own (status, confirmed, roles...) are refused

    def on_bind_field(self, field_name: str, field_obj: fields.Field[Any]) -> None:
        """Every text field, alone or in a list, refuses control characters; every date or date and time keeps to
        the supported years (as the pages' forms do)."""
        for field in (field_obj, getattr(field_obj, "inner", None)):
            if isinstance(field, fields.String):
                field.validators.append(_refuse(partial(control_character_error, multiline=isinstance(field, Text))))
            elif isinstance(field, fields.DateTime | fields.Date):
                field.validators.append(_refuse(date_error))


# --- errors (documentation only) ---


class ErrorBody(Schema):
    code = fields.String(required=True, metadata={"example": "shift_overlap"})
    message = fields.String(required=True)
    retry_after = fields.Integer(metadata={"description": "429 from a limit of ours: seconds, as in Retry-After"})
    # The error's "fields" member (shadows marshmallow's fields below, and Schema.fields for type checkers).
    fields = fields.Dict(keys=fields.String(), values=fields.String())  # type: ignore[assignment]


class ErrorOut(Schema):
    error = fields.Nested(ErrorBody, required=True)
