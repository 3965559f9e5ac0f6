"""A shift's lottery: open sign-up until a deadline, and read the draw (reviewers)."""

from marshmallow import fields

from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.schemas import LocalDateTime, Schema
from volunteer_hub.lottery import queries, services
from volunteer_hub.orgs import permissions
from volunteer_hub.tasks.services import get_shift

blp = Blueprint("api_lottery", __name__, description="Lottery sign-up and draws for oversubscribed shifts")


class LotteryIn(Schema):
    until = fields.AwareDateTime(required=True, metadata={"description": "When sign-up closes (ISO 8601 with offset)."})
    party_first = fields.Boolean(load_default=False, metadata={"description": "Draw Party members first."})


class DrawEntryOut(Schema):
    rank = fields.Integer(required=True)
    claim_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    name = fields.String(required=True)
    party_member = fields.Boolean(
        required=True,
        metadata={"description": "The Party badge: true only for Party members who chose to show it (亮身份)."},
    )
    status = fields.String(required=True)
    skipped = fields.String(allow_none=True, metadata={"description": "The safety rule a drawn volunteer failed."})


class DrawOut(Schema):
    seed = fields.String(required=True, metadata={"description": "random.Random(int(seed)) shuffles the entrants."})
    party_first = fields.Boolean(required=True)
    drawn_at = LocalDateTime(required=True)
    verified = fields.Boolean(required=True, metadata={"description": "Recomputing gives the stored order."})
    entries = fields.List(fields.Nested(DrawEntryOut), required=True)


class LotteryOut(Schema):
    shift_id = fields.Integer(required=True)
    until = LocalDateTime(allow_none=True)
    party_first = fields.Boolean(required=True)
    entrants = fields.Integer(required=True, metadata={"description": "Sign-ups waiting for the draw."})
    drawn_at = LocalDateTime(allow_none=True)
    draw = fields.Nested(DrawOut, allow_none=True)


def lottery_out(shift) -> dict:
    draw = queries.get_draw(shift)
    return {
        "shift_id": shift.id,
        "until": shift.lottery_until,
        "party_first": shift.lottery_party_first,
        "entrants": queries.count_entrants(shift),
        "drawn_at": shift.lottery_drawn_at,
        "draw": draw
        and {
            "seed": str(draw.seed),
            "party_first": draw.party_first,
            "drawn_at": draw.drawn_at,
            "verified": draw.verified,
            "entries": [vars(entry) for entry in draw.entries],
        },
    }


@blp.post("/shifts/<int:shift_id>/lottery")
@blp.arguments(LotteryIn)
@blp.response(200, LotteryOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def open_lottery(data, shift_id, user):
    """Open a shift for lottery sign-up until a deadline (organizers of the task's organisation subtree)."""
    shift = services.open_lottery(user, get_shift(shift_id), until=data["until"], party_first=data["party_first"])
    return lottery_out(shift)


@blp.get("/shifts/<int:shift_id>/lottery")
@blp.response(200, LotteryOut)
@blp.errors(401, 403, 404)
@auth_required
def get_lottery(shift_id, user):
    """A shift's lottery and, once drawn, the seed, entrants, drawn order and its verification (reviewers)."""
    shift = get_shift(shift_id)
    permissions.require_review(user, shift.task.org)
    return lottery_out(shift)
