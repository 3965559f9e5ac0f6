"""Notification shapes of the JSON API that domains above notifications reuse (tasks answer with what organizers'
actions told people)."""

from marshmallow import fields

from volunteer_hub.core.schemas import LocalDateTime, Schema


class NoticeOut(Schema):
    cause = fields.String(required=True)
    kind = fields.String(required=True)
    actor_id = fields.Integer(required=True)
    created_at = LocalDateTime(required=True)
    recipients = fields.Integer(required=True)
    channels = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Integer()),
        metadata={"description": "{channel: {status: count}}; inbox: {sent, read}"},
    )
    reached = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "per channel: sent or delivered"}
    )
    waiting = fields.Integer(required=True)
    failed = fields.Integer(required=True)


class NoticesOut(Schema):
    items = fields.List(fields.Nested(NoticeOut), required=True)
