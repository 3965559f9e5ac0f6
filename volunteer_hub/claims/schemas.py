"""Claim shapes of the JSON API that domains above claims reuse (teams and call-outs answer with claims)."""

from typing import Any

from marshmallow import fields

from volunteer_hub.claims import queries
from volunteer_hub.claims.models import Claim
from volunteer_hub.core.schemas import LocalDateTime, Schema


class ClaimOut(Schema):
    id = fields.Integer(required=True)
    status = fields.String(
        required=True,
        metadata={"description": "pending, confirmed, waitlisted, lottery (in a draw), rejected or cancelled"},
    )
    shift_id = fields.Integer()
    user_id = fields.Integer(metadata={"description": "The volunteer holding the place (team claims name several)."})
    waitlist_position = fields.Integer(allow_none=True)
    created_at = LocalDateTime()
    attendance_confirmed_at = LocalDateTime(
        allow_none=True, metadata={"description": "When the volunteer confirmed they will come (the day-before check)."}
    )
    organizer_reason = fields.String(
        allow_none=True,
        metadata={
            "description": "What the organizer told the volunteer when rejecting the claim or cancelling the task."
        },
    )


def claim_out(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.id,
        "status": claim.status,
        "shift_id": claim.shift_id,
        "user_id": claim.user_id,
        "created_at": claim.created_at,
        "waitlist_position": queries.waitlist_position(claim),
        "attendance_confirmed_at": claim.attendance_confirmed_at,
        "organizer_reason": claim.organizer_reason,
    }
