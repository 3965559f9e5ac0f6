"""Attendance: check-in and check-out by GPS or the shift's QR code, organizers' marks."""

from flask import request
from flask_babel import gettext as _
from marshmallow import fields, validate

from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.attendance import qr, rules, services
from volunteer_hub.claims.services import get_claim, get_own_claim
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.links import external_url
from volunteer_hub.core.schemas import Lat, LocalDateTime, Lon, Schema
from volunteer_hub.tasks.services import get_shift

blp = Blueprint("api_attendance", __name__, description="Attendance: check-in, check-out and marks")


def recorded_at_field() -> LocalDateTime:
    return LocalDateTime(
        metadata={
            "description": "Only for an action queued on the phone without a network: the phone's time of it, "
            "ISO 8601 with an offset. Accepted within the shift's window at that time and when it arrives within 12 "
            "hours of it (409 offline_too_late after that; 400 recorded_in_future more than 2 minutes ahead of the "
            "server's clock). The record is marked offline; the same queued action sent twice records it once.",
            "example": "2020-02-03T08:02:00+08:00",
        }
    )


class CheckinPositionIn(Schema):
    lat = Lat(required=True, metadata={"description": "WGS-84, as the phone's GPS reports it."})
    lon = Lon(required=True)
    accuracy_m = fields.Float(
        required=True,
        allow_nan=False,
        validate=validate.Range(min=0, max=rules.MAX_ACCURACY_M),
        metadata={"description": "The reported accuracy radius in metres."},
    )
    device_id = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Optional: a random id the app keeps per install (anomaly checks use its hash)."},
    )
    recorded_at = recorded_at_field()


class CheckinScanIn(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    recorded_at = recorded_at_field()


class MarkAttendanceIn(Schema):
    present = fields.Boolean(required=True, metadata={"description": "true: present (代签); false: no-show."})


class ClaimAttendanceOut(Schema):
    claim_id = fields.Integer(required=True)
    checked_in_at = LocalDateTime(allow_none=True, required=True)
    checked_out_at = LocalDateTime(allow_none=True, required=True)
    attendance = fields.String(allow_none=True, required=True, metadata={"description": "present, no_show or null"})
    distance_m = fields.Float(
        allow_none=True,
        metadata={
            "description": "Metres from the post at this check-in or check-out (the first one for a repeat); null "
            "for the QR code."
        },
    )
    method = fields.String(allow_none=True, metadata={"description": "gps or qr"})
    offline = fields.Boolean(
        metadata={
            "description": "true when the record kept (this one, or the first for a repeat) was queued on the phone "
            "offline: its time is the phone's, received_at the server's."
        }
    )
    received_at = LocalDateTime(allow_none=True, metadata={"description": "For a record made offline."})


class CheckinTokenOut(Schema):
    token = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "What the QR code encodes: /c/<token>."})
    expires_at = LocalDateTime(required=True)
    qr_svg = fields.String(required=True, metadata={"description": "The QR code as an SVG element."})


def attendance_out(claim, event=None) -> dict:
    return {
        "claim_id": claim.id,
        "checked_in_at": claim.checked_in_at,
        "checked_out_at": claim.checked_out_at,
        "attendance": claim.attendance,
        "distance_m": event.distance_m if event else None,
        "method": event.method if event else None,
        "offline": bool(event and event.offline),
        "received_at": event.received_at if event else None,
    }


def _device(data) -> str:
    return services.device_hash(data.get("device_id"), request.user_agent.string, request.remote_addr)


def _position(data) -> services.Position:
    return services.Position(data["lat"], data["lon"], data["accuracy_m"])


@blp.post("/claims/<int:claim_id>/check-in")
@blp.arguments(CheckinPositionIn)
@blp.response(200, ClaimAttendanceOut)
@blp.errors(400, 401, 404, 409)
@auth_required
def check_in(data, claim_id, user):
    """Check in on my confirmed place from CHECKIN_EARLY_MIN minutes before the start until the end, within the
    task's check-in radius; 409 outside_geofence, outside_window or poor_accuracy. A repeat keeps the first time.
    With recorded_at (queued offline): the same checks at the phone's time, 409 offline_too_late, 400
    recorded_in_future."""
    outcome = services.check_in(
        user, get_own_claim(user, claim_id), _position(data), device=_device(data), recorded_at=data.get("recorded_at")
    )
    return attendance_out(outcome.claim, outcome.event)


@blp.post("/claims/<int:claim_id>/check-out")
@blp.arguments(CheckinPositionIn)
@blp.response(200, ClaimAttendanceOut)
@blp.errors(400, 401, 404, 409)
@auth_required
def check_out(data, claim_id, user):
    """Check out after checking in, until two hours after the shift ends, within the check-in radius."""
    outcome = services.check_out(
        user, get_own_claim(user, claim_id), _position(data), device=_device(data), recorded_at=data.get("recorded_at")
    )
    return attendance_out(outcome.claim, outcome.event)


@blp.post("/shifts/<int:shift_id>/checkin-token")
@blp.response(200, CheckinTokenOut)
@blp.errors(401, 403, 404)
@auth_required
def checkin_token(shift_id, user):
    """A fresh signed QR check-in code for the shift, valid CHECKIN_TOKEN_TTL_S seconds (organizers)."""
    issued = services.issue_checkin_token(user, get_shift(shift_id))
    url = external_url("attendance.scan", token=issued.token)
    return {
        "token": issued.token,
        "url": url,
        "expires_at": issued.expires_at,
        "qr_svg": str(qr.svg(url, label=_("Check-in code"))),
    }


@blp.post("/checkin")
@blp.arguments(CheckinScanIn)
@blp.response(200, ClaimAttendanceOut)
@blp.errors(400, 401, 404, 409)
@auth_required
def scan(data, user):
    """I scanned a shift's code: check in (or out when already in) on my confirmed place; no location needed.
    409 token_expired, not_on_shift or outside_window; 400 token_invalid."""
    outcome = services.scan(user, data["token"], device=_device(data), recorded_at=data.get("recorded_at"))
    return attendance_out(outcome.claim, outcome.event)


@blp.post("/claims/<int:claim_id>/attendance")
@blp.arguments(MarkAttendanceIn)
@blp.response(200, ClaimAttendanceOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def mark(data, claim_id, user):
    """Mark a confirmed volunteer present or absent (organizers of the task's organisation subtree)."""
    return attendance_out(services.mark_attendance(user, get_claim(claim_id), data["present"]))
