"""Claiming shifts, withdrawing, approval and rosters."""

from typing import Any

from marshmallow import fields

from volunteer_hub.accounts.api import me_blp
from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.accounts.models import User
from volunteer_hub.claims import queries, reminders, services
from volunteer_hub.claims.queries import claims_of, waitlist_position
from volunteer_hub.claims.schemas import ClaimOut, claim_out
from volunteer_hub.claims.terms import shift_terms
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.schemas import LocalDateTime, Schema
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.rules import shows_party_badge
from volunteer_hub.orgs.schemas import OrgRef
from volunteer_hub.tasks.schemas import OrganizerReasonIn, ShiftOut
from volunteer_hub.tasks.services import get_shift

blp = Blueprint("api_claims", __name__, description="Claims on shifts and rosters")


class TaskRef(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    type = fields.String()
    address = fields.String()
    org = fields.Nested(OrgRef)


class MyClaimOut(ClaimOut):
    shift = fields.Nested(ShiftOut, required=True)
    task = fields.Nested(TaskRef, required=True)


class MyClaimsOut(Schema):
    items = fields.List(fields.Nested(MyClaimOut), required=True)


class RosterEntry(Schema):
    claim_id = fields.Integer(required=True)
    status = fields.String(required=True)
    user_id = fields.Integer(required=True)
    name = fields.String(required=True)
    phone = fields.String(
        required=True,
        metadata={
            "description": "Full number for organizers of the task's organisation; masked (138****1234) otherwise."
        },
    )
    party_member = fields.Boolean()
    skills = fields.List(fields.String())
    created_at = LocalDateTime()


class RosterOut(Schema):
    shift = fields.Nested(ShiftOut, required=True)
    task = fields.Nested(TaskRef, required=True)
    items = fields.List(fields.Nested(RosterEntry), required=True)


class ClaimIn(Schema):
    health_declared = fields.Boolean(
        load_default=False,
        metadata={
            "description": "The volunteer's health self-declaration (no fever or other symptoms), for tasks that ask."
        },
    )


@blp.post("/shifts/<int:shift_id>/claims")
@blp.arguments(ClaimIn)
@blp.response(201, ClaimOut)
@blp.errors(400, 401, 404, 409)
@auth_required
def claim_shift(data: dict[str, Any], shift_id: int, user: User) -> dict[str, Any]:
    """Claim a place: confirmed, pending (approval needed), waitlisted (full) or entered in a lottery draw."""
    return claim_out(services.claim_shift(user, shift_terms(shift_id), health_declared=data["health_declared"]))


@blp.delete("/claims/<int:claim_id>")
@blp.response(200, ClaimOut)
@blp.errors(401, 404, 409)
@auth_required
def cancel_claim(claim_id: int, user: User) -> dict[str, Any]:
    """Withdraw my claim before the shift starts; the place goes to the waitlist."""
    return claim_out(services.cancel_claim(user, services.get_own_claim(user, claim_id)))


@blp.post("/claims/<int:claim_id>/will-attend")
@blp.response(200, ClaimOut)
@blp.errors(401, 404, 409)
@auth_required
def will_attend(claim_id: int, user: User) -> dict[str, Any]:
    """Answer the day-before check for my confirmed place: yes, I will come."""
    return claim_out(reminders.confirm_attendance(services.get_own_claim(user, claim_id)))


@blp.post("/claims/<int:claim_id>/approve")
@blp.response(200, ClaimOut)
@blp.errors(401, 403, 404, 409)
@auth_required
def approve_claim(claim_id: int, user: User) -> dict[str, Any]:
    """Approve a pending request (organizers of the task's organisation subtree)."""
    return claim_out(services.approve_claim(user, services.get_claim(claim_id)))


@blp.post("/claims/<int:claim_id>/reject")
@blp.arguments(OrganizerReasonIn)
@blp.response(200, ClaimOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def reject_claim(data: dict[str, Any], claim_id: int, user: User) -> dict[str, Any]:
    """Turn down a request or remove a volunteer, optionally saying why (the volunteer is told); a freed place
    goes to the waitlist."""
    return claim_out(services.reject_claim(user, services.get_claim(claim_id), data["reason"]))


@blp.get("/shifts/<int:shift_id>/roster")
@blp.response(200, RosterOut)
@blp.errors(401, 403, 404)
@auth_required
def roster(shift_id: int, user: User) -> dict[str, Any]:
    """Everyone on a shift. Phone numbers in full only for organizers of the task's organisation subtree."""
    shift = get_shift(shift_id)
    org = shift.task.org
    permissions.require_review(user, org)
    full_phone = permissions.can_manage(user, org)
    return {
        "shift": shift,
        "task": shift.task,
        "items": [
            {
                "claim_id": row.claim.id,
                "status": row.claim.status,
                "user_id": row.user.id,
                "name": row.user.name,
                "phone": row.user.phone if full_phone else row.user.masked_phone,
                "party_member": shows_party_badge(row.user),
                "skills": row.user.skills,
                "created_at": row.claim.created_at,
            }
            for row in queries.roster(shift)
        ],
    }


@me_blp.get("/me/claims")
@me_blp.response(200, MyClaimsOut)
@me_blp.errors(401)
@auth_required
def my_claims(user: User) -> dict[str, Any]:
    """All my claims, latest shift first."""
    items = []
    for claim in claims_of(user):
        shift, task = claim.shift, claim.shift.task
        items.append(
            {
                "id": claim.id,
                "status": claim.status,
                "shift_id": shift.id,
                "created_at": claim.created_at,
                "waitlist_position": waitlist_position(claim),
                "shift": shift,
                "task": task,
                "organizer_reason": claim.organizer_reason,
            }
        )
    return {"items": items}
