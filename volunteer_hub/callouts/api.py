"""Urgent call-outs (集结令): start one for a shift, follow it, stop it; the volunteers' one-tap answers; the
community's figures."""

from flask import jsonify
from marshmallow import fields, validate

from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.callouts import rules, services
from volunteer_hub.claims.schemas import ClaimOut
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.schemas import Schema, Text
from volunteer_hub.orgs.services import get_org
from volunteer_hub.tasks.services import get_shift

blp = Blueprint("api_callouts", __name__, description="Urgent call-outs that page nearby volunteers in waves")


class CalloutIn(Schema):
    needed = fields.Integer(
        required=True, validate=validate.Range(min=1), metadata={"description": "At most the shift's free places."}
    )
    radius_km = fields.Float(
        load_default=None,
        validate=validate.Range(min=0.1, max=50),
        metadata={"description": "Search radius around the task (default CALLOUT_RADIUS_KM)."},
    )
    wave_size = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=1000),
        metadata={"description": "People paged per wave (default 3 × the places still needed)."},
    )
    wave_minutes = fields.Integer(
        load_default=None, validate=validate.Range(min=1, max=120), metadata={"description": "Default 5."}
    )
    message = Text(
        load_default=None,
        validate=validate.Length(max=rules.MESSAGE_MAX),
        metadata={"description": "Meeting point, what to bring: sent with the page and to everyone confirmed."},
    )


class CalloutStartedOut(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": "paging (exhausted when nobody fits at all)"})


class WaveOut(Schema):
    at = fields.AwareDateTime(required=True)
    paged = fields.Integer(required=True)


class AnswersOut(Schema):
    yes = fields.Integer(required=True)
    no = fields.Integer(required=True)
    none = fields.Integer(required=True)


class CalloutOut(Schema):
    id = fields.Integer(required=True)
    shift_id = fields.Integer(required=True)
    needed = fields.Integer(required=True)
    filled = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": "paging, filled, cancelled or exhausted"})
    waves = fields.List(fields.Nested(WaveOut), required=True)
    answers = fields.Nested(AnswersOut, required=True)
    time_to_fill_s = fields.Integer(allow_none=True, required=True)


class AnswerIn(Schema):
    answer = fields.String(required=True, validate=validate.OneOf(["yes", "no"]))
    health_declared = fields.Boolean(
        load_default=False, metadata={"description": "The health self-declaration, for tasks that ask for one."}
    )


class AnswerOut(Schema):
    answer = fields.String(required=True)


class CalloutStatsOut(Schema):
    org_id = fields.Integer(required=True)
    callouts = fields.Integer(required=True)
    filled = fields.Integer(required=True)
    share_filled = fields.Float(
        allow_none=True, required=True, metadata={"description": "Filled among those that ended."}
    )
    median_time_to_fill_s = fields.Integer(allow_none=True, required=True)


@blp.post("/shifts/<int:shift_id>/callouts")
@blp.arguments(CalloutIn)
@blp.response(201, CalloutStartedOut)
@blp.alt_response(200, schema=CalloutStartedOut, description="A call-out was already paging for the shift: that one.")
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def start_callout(data, shift_id, user):
    """Page nearby volunteers who fit the shift, in waves, until `needed` places are filled (organizers of the task's
    subtree). 409 shift_ended / shift_full / task_cancelled; a second call-out for a shift already paging returns
    the first one with 200."""
    callout, created = services.start(user, get_shift(shift_id), **data)
    body = {"id": callout.id, "status": callout.status}
    return body if created else (body, 200)


@blp.get("/callouts/<int:callout_id>")
@blp.response(200, CalloutOut)
@blp.errors(401, 404)
@auth_required
def get_callout(callout_id, user):
    """A call-out as it stands: places filled, waves, answers, time to fill."""
    return services.summary(services.get_callout(user, callout_id))


@blp.post("/callouts/<int:callout_id>/cancel")
@blp.response(200, CalloutOut)
@blp.errors(401, 403, 404, 409)
@auth_required
def cancel_callout(callout_id, user):
    """Stop paging (places already taken stay taken). 409 callout_closed when it had ended."""
    return services.summary(services.cancel(user, services.get_callout(user, callout_id)))


@blp.post("/callout-answers/<token>")
@blp.arguments(AnswerIn)
@blp.response(201, ClaimOut)
@blp.alt_response(200, schema=AnswerOut, description="The answer was no.")
@blp.errors(400, 404, 409)
def answer_callout(data, token):
    """The paged volunteer's answer; the token from their link is the only credential. yes: the ordinary claim with
    every rule (201 with the claim, or 409 with the claim's error code; 409 callout_full once the places are
    filled, with waitlist_url); no: 200. A forged token: 404; an expired one: 400 link_expired."""
    claim = services.answer(token, data["answer"], health_declared=data["health_declared"])
    if claim is None:
        return jsonify({"answer": "no"})
    return claim


@blp.get("/orgs/<int:org_id>/callouts/stats")
@blp.response(200, CalloutStatsOut)
@blp.errors(401, 403, 404)
@auth_required
def callout_stats(org_id, user):
    """Call-outs for the community's subtree: how many, how many filled, the share filled, the median time to fill
    (reviewers and organizers of the organisation)."""
    return services.community_stats(user, get_org(org_id))
