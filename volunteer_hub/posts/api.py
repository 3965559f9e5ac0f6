"""The live staffing board (per organisation subtree and per post) and the relief alarm's one-tap "I'll stay"."""

from marshmallow import fields

from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.schemas import LocalDateTime, Schema
from volunteer_hub.orgs.services import get_org
from volunteer_hub.posts import services
from volunteer_hub.tasks.services import get_task

blp = Blueprint("api_posts", __name__, description="Live staffing board and relief alarm of posts")

STATUS = {"enum": ["ok", "short", "uncovered"]}


class BoardPostOut(Schema):
    task_id = fields.Integer(required=True)
    title = fields.String(required=True)
    org_name = fields.String(required=True)
    shift_id = fields.Integer(required=True, metadata={"description": "The shift that speaks for the post now."})
    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(required=True)
    under_way = fields.Boolean(required=True)
    needed = fields.Integer(required=True, metadata={"description": "The shift's places (capacity)."})
    confirmed = fields.Integer(required=True)
    checked_in = fields.Integer(required=True, metadata={"description": "Recorded present and not checked out."})
    missing = fields.Integer(required=True, metadata={"description": "needed minus those who count now."})
    status = fields.String(
        required=True,
        metadata={
            **STATUS,
            "description": "uncovered: under way with nobody checked in, or starting with nobody confirmed; "
            "short: fewer than needed (checked in while under way, confirmed before); ok otherwise.",
        },
    )
    alarm = fields.Boolean(required=True, metadata={"description": "A relief alarm of this shift is not cleared."})
    open_incidents = fields.Integer(required=True)


class OrgBoardOut(Schema):
    as_of = LocalDateTime(required=True)
    org_id = fields.Integer(required=True)
    posts = fields.List(fields.Nested(BoardPostOut), required=True)


class VolunteerOut(Schema):
    name = fields.String(required=True)
    on_post = fields.Boolean(required=True)
    checked_in_at = LocalDateTime(allow_none=True, required=True)
    checked_out_at = LocalDateTime(allow_none=True, required=True)


class StayOut(Schema):
    name = fields.String(required=True)
    until = LocalDateTime(required=True)


class AlarmOut(Schema):
    fired_at = LocalDateTime(required=True)
    missing = fields.Integer(required=True)
    cleared_at = LocalDateTime(allow_none=True, required=True)
    callout_id = fields.Integer(allow_none=True, required=True)
    stays = fields.List(fields.Nested(StayOut), required=True)


class BoardShiftOut(Schema):
    shift_id = fields.Integer(required=True)
    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(required=True)
    under_way = fields.Boolean(required=True)
    ended = fields.Boolean(required=True)
    needed = fields.Integer(required=True)
    confirmed = fields.Integer(required=True)
    checked_in = fields.Integer(required=True)
    status = fields.String(required=True, metadata=STATUS)
    volunteers = fields.List(fields.Nested(VolunteerOut), required=True)
    alarm = fields.Nested(AlarmOut, allow_none=True, required=True)


class BoardHandoverCountOut(Schema):
    item_id = fields.Integer(required=True)
    count = fields.Integer(required=True)


class BoardHandoverOut(Schema):
    id = fields.Integer(required=True)
    shift_id = fields.Integer(required=True)
    author = fields.String(required=True)
    notes = fields.String(required=True)
    created_at = LocalDateTime(required=True)
    supplies = fields.List(fields.Nested(BoardHandoverCountOut), required=True)


class SupplyLevelOut(Schema):
    item_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    name = fields.String(required=True)
    count = fields.Integer(required=True)
    low_threshold = fields.Integer(allow_none=True, required=True)
    low = fields.Boolean(required=True)


class TaskBoardOut(Schema):
    as_of = LocalDateTime(required=True)
    task_id = fields.Integer(required=True)
    title = fields.String(required=True)
    auto_callout = fields.Boolean(required=True)
    shifts = fields.List(fields.Nested(BoardShiftOut), required=True)
    latest_handover = fields.Nested(BoardHandoverOut, allow_none=True, required=True)
    open_incidents = fields.Integer(required=True)
    supplies = fields.List(fields.Nested(SupplyLevelOut), required=True)


class ReliefStayOut(Schema):
    shift_id = fields.Integer(required=True, metadata={"description": "The shift whose relief is missing."})
    until = LocalDateTime(required=True)


@blp.get("/orgs/<int:org_id>/board")
@blp.response(200, OrgBoardOut)
@blp.errors(401, 403, 404)
@auth_required
def org_board(org_id, user):
    """Every post of the subtree with a shift under way or starting in the next 2 hours: staffed vs needed now, worst
    first (organizers and reviewers of the subtree). Meant to be polled."""
    return services.org_board(user, get_org(org_id))


@blp.get("/tasks/<int:task_id>/board")
@blp.response(200, TaskBoardOut)
@blp.errors(401, 403, 404)
@auth_required
def task_board(task_id, user):
    """One post: today's and tomorrow's shifts (Asia/Shanghai) with who is confirmed and on the post now, relief
    alarms and stays, the latest handover, open incidents and supply levels (organizers and reviewers)."""
    return services.task_board(user, get_task(task_id))


@blp.post("/relief-alarms/<int:alarm_id>/stay")
@blp.response(201, ReliefStayOut)
@blp.errors(401, 404, 409)
@auth_required
def stay(alarm_id, user):
    """ "I'll stay": a volunteer of the previous shift still on the post stays until the relieving shift ends (at most
    2 hours past their own end). A second tap returns the same stay. 404 for anyone else; 409 relief_arrived."""
    alarm = services.get_alarm(alarm_id)
    stay = services.stay(user, alarm)
    return {"shift_id": alarm.shift_id, "until": stay.until}
