"""Shift series, team rotas (adopt, propose, publish) and shift swaps between team members."""

from marshmallow import fields

from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.schemas import Int, LocalDateTime, Schema
from volunteer_hub.rotas import services

blp = Blueprint("api_rotas", __name__, description="Shift series, team rotas and swaps")


class SeriesSlotIn(Schema):
    start = fields.String(required=True, metadata={"example": "08:00"})
    end = fields.String(
        required=True, metadata={"example": "16:00", "description": "At or before start: next day; 24:00 is midnight."}
    )
    capacity = Int(required=True, metadata={"example": 2})


class SeriesIn(Schema):
    from_date = fields.Date(required=True, metadata={"description": "First local date (Asia/Shanghai)."})
    to_date = fields.Date(required=True, metadata={"description": "Last local date; at most 62 days in all."})
    daily = fields.List(fields.Nested(SeriesSlotIn), required=True, metadata={"description": "1 to 6 daily shifts."})


class SeriesShiftOut(Schema):
    id = fields.Integer()
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    capacity = fields.Integer()


class SeriesOut(Schema):
    id = fields.Integer()
    task_id = fields.Integer()
    from_date = fields.Date()
    to_date = fields.Date()
    pattern = fields.List(fields.Dict())
    shifts = fields.List(fields.Nested(SeriesShiftOut))


class SeriesAdoptionIn(Schema):
    series_id = Int(required=True)
    from_date = fields.Date(metadata={"description": "Defaults to the series' first date."})
    to_date = fields.Date(metadata={"description": "Defaults to the series' last date."})


class SeriesAdoptionOut(Schema):
    id = fields.Integer()
    team_id = fields.Integer()
    series_id = fields.Integer()
    from_date = fields.Date()
    to_date = fields.Date()


class RotaProposalIn(Schema):
    task_id = Int(required=True)
    from_date = fields.Date(required=True)
    to_date = fields.Date(required=True)


class RotaAssignmentOut(Schema):
    shift_id = fields.Integer()
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    night = fields.Boolean(metadata={"description": "Touches 00:00-06:00 local time."})
    places_left = fields.Integer()
    user_ids = fields.List(fields.Integer(), metadata={"description": "Members proposed for new places."})
    held_by = fields.List(fields.Integer(), metadata={"description": "Members already confirmed on it."})


class RotaMemberOut(Schema):
    user_id = fields.Integer()
    name = fields.String()
    hours = fields.Float()
    nights = fields.Integer()
    shifts = fields.Integer()


class RotaUnfilledOut(Schema):
    shift_id = fields.Integer()
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    missing = fields.Integer()
    reason = fields.String(metadata={"example": "rest"})
    message = fields.String()


class RotaProposalOut(Schema):
    team_id = fields.Integer()
    task_id = fields.Integer()
    from_date = fields.Date()
    to_date = fields.Date()
    assignments = fields.List(fields.Nested(RotaAssignmentOut))
    members = fields.List(fields.Nested(RotaMemberOut))
    unfilled = fields.List(fields.Nested(RotaUnfilledOut))


class RotaAssignmentIn(Schema):
    shift_id = Int(required=True)
    user_ids = fields.List(Int(), required=True)


class RotaIn(Schema):
    task_id = Int(required=True)
    assignments = fields.List(fields.Nested(RotaAssignmentIn), required=True)


class RotaClaimOut(Schema):
    id = fields.Integer()
    shift_id = fields.Integer()
    user_id = fields.Integer()
    status = fields.String()


class RotaOut(Schema):
    claims = fields.List(fields.Nested(RotaClaimOut))


class ShiftSwapOut(Schema):
    id = fields.Integer()
    claim_id = fields.Integer()
    team_id = fields.Integer()
    offered_by_id = fields.Integer()
    accepted_by_id = fields.Integer(allow_none=True)
    status = fields.String(metadata={"example": "open"})
    created_at = LocalDateTime()
    decided_at = LocalDateTime(allow_none=True)


@blp.post("/tasks/<int:task_id>/series")
@blp.arguments(SeriesIn)
@blp.response(201, SeriesOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def create_series(data, task_id, user):
    """Create a shift series (a daily pattern over local dates) on a task: organizers of its organisation."""
    made = services.create_series(user, task_id, **data)
    return {
        "id": made.id,
        "task_id": made.task_id,
        "from_date": made.from_date,
        "to_date": made.to_date,
        "pattern": made.pattern,
        "shifts": services.series_shifts(made.id),
    }


@blp.post("/teams/<int:team_id>/adoptions")
@blp.arguments(SeriesAdoptionIn)
@blp.response(201, SeriesAdoptionOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def adopt_series(data, team_id, user):
    """Adopt a shift series, or a date range of it, for the team (its leader or a deputy)."""
    return services.adopt_series(
        user, team_id, data["series_id"], from_date=data.get("from_date"), to_date=data.get("to_date")
    )


@blp.post("/teams/<int:team_id>/rota-proposals")
@blp.arguments(RotaProposalIn)
@blp.response(200, RotaProposalOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def propose_rota(data, team_id, user):
    """Propose who takes which adopted shift in the date range, with per-member totals; nothing is saved."""
    return services.propose_rota(user, team_id, data["task_id"], data["from_date"], data["to_date"])


@blp.post("/teams/<int:team_id>/rotas")
@blp.arguments(RotaIn)
@blp.response(201, RotaOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def publish_rota(data, team_id, user):
    """Publish a rota: claim every assigned place at once, or nothing (409 with ``blocked`` per shift)."""
    return {"claims": services.publish_rota(user, team_id, data["task_id"], data["assignments"])}


@blp.post("/claims/<int:claim_id>/swap-offers")
@blp.response(201, ShiftSwapOut)
@blp.errors(401, 403, 404, 409)
@auth_required
def offer_swap(claim_id, user):
    """Offer my team place on a shift to the other members of the team."""
    return services.offer_swap(user, claim_id)


@blp.post("/swaps/<int:swap_id>/accept")
@blp.response(200, ShiftSwapOut)
@blp.errors(401, 403, 404, 409)
@auth_required
def accept_swap(swap_id, user):
    """Take over a teammate's offered place (the rules of a claim apply to me); the leader is told."""
    return services.accept_swap(user, swap_id)


@blp.post("/swaps/<int:swap_id>/cancel")
@blp.response(200, ShiftSwapOut)
@blp.errors(401, 403, 404, 409)
@auth_required
def cancel_swap(swap_id, user):
    """Withdraw my open swap offer."""
    return services.cancel_swap(user, swap_id)
