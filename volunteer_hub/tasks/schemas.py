"""Task and shift shapes of the JSON API that domains above tasks reuse (claims, help, notifications' delivery
counts answer with a shift, a resident's contact or an organizer's reason)."""

from collections.abc import Callable
from dataclasses import asdict

import marshmallow as ma
from marshmallow import fields

from volunteer_hub.accounts.tokens import bearer_user
from volunteer_hub.core.schemas import LocalDateTime, Schema, Text

# Who may read the contact of the resident whose request for help a task answers: help (built on tasks) registers
# its rule (help.rules.task_contact(user, task) -> a Contact dataclass or None) at app creation, so tasks never
# imports help.
_CONTACT: list[Callable] = []


def register_contact(read: Callable) -> None:
    _CONTACT[:] = [read]


class ShiftOut(Schema):
    id = fields.Integer(required=True)
    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(required=True)
    capacity = fields.Integer(required=True)
    confirmed = fields.Integer(required=True)
    places_left = fields.Integer()


class OrganizerReasonIn(Schema):
    reason = Text(
        load_default=None,
        allow_none=True,
        metadata={"description": "Optional, at most 500 characters: why (the volunteers are told, in the app)."},
    )


class ContactOut(Schema):
    name = fields.String(required=True)
    phone = fields.String(required=True)
    address = fields.String(required=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)


class CallerContact(fields.Nested):
    """The resident's contact of the task's help request, as help.rules lets the bearer of the request see it."""

    def __init__(self, **kwargs):
        super().__init__(ContactOut, allow_none=True, dump_only=True, **kwargs)

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        contact = _CONTACT[0](bearer_user(), obj) if _CONTACT else None
        return asdict(contact) if contact else None
