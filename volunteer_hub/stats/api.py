"""Statistics: hours of an organisation's subtree in a period, grouped, for organizers and reviewers."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.schemas import QueryId, Schema
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.services import get_org
from volunteer_hub.stats import queries, rules
from volunteer_hub.stats.periods import Period

blp = Blueprint("api_stats", __name__, description="Statistics for organizers and reviewers")


class HoursQuery(Schema):
    org_id = QueryId(required=True, metadata={"description": "The organisation whose subtree is counted."})
    from_ = fields.Date(required=True, data_key="from", metadata={"description": "First local service date."})
    to = fields.Date(required=True, metadata={"description": "Last local service date (at most 366 days on)."})
    group_by = fields.String(
        load_default="org",
        validate=validate.OneOf(
            ("org", "volunteer", "type", "team", "month", "party", "branch"), error=_l("Choose one of: {choices}.")
        ),
        metadata={
            "description": "org: each direct child organisation (plus the organisation's own tasks); "
            "volunteer; type (task type); month; team: teams attached in the subtree; party: "
            "Party members, then other volunteers; branch: each Party branch in the subtree "
            "(its members' hours inside the subtree)."
        },
    )


class HoursRowOut(Schema):
    org_id = fields.Integer(metadata={"description": "group_by=org"})
    own = fields.Boolean(
        metadata={"description": "group_by=org: hours of the organisation's own tasks, not of a child organisation"}
    )
    volunteer_id = fields.Integer(metadata={"description": "group_by=volunteer"})
    volunteer_no = fields.String(metadata={"description": "group_by=volunteer: the platform volunteer number"})
    task_type = fields.String(metadata={"description": "group_by=type"})
    month = fields.String(metadata={"description": "group_by=month: YYYY-MM", "example": "2026-03"})
    team_id = fields.Integer(metadata={"description": "group_by=team"})
    branch_id = fields.Integer(metadata={"description": "group_by=branch: the Party branch's organisation id"})
    group = fields.String(metadata={"description": "group_by=party: party or others"})
    members = fields.Integer(metadata={"description": "group_by=team or branch: current members"})
    name = fields.String(required=True, metadata={"description": "Organisation, volunteer, task type or month"})
    minutes = fields.Integer(required=True, metadata={"description": "Net confirmed minutes (corrections included)"})
    hours = fields.Float(required=True, metadata={"description": "minutes / 60, two decimals"})
    shifts = fields.Integer(
        required=True,
        metadata={"description": "Shifts served: confirmed service records (corrections are not counted again)"},
    )
    volunteers = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "Volunteers with a positive net time; null for group_by=type (not tallied per type)"},
    )


class HoursOut(Schema):
    org_id = fields.Integer(required=True)
    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True)
    group_by = fields.String(required=True)
    rows = fields.List(fields.Nested(HoursRowOut), required=True)


_KEY = {
    "org": "org_id",
    "volunteer": "volunteer_id",
    "type": "task_type",
    "team": "team_id",
    "branch": "branch_id",
    "party": "group",
}


def _row(group_by: str, row: queries.HoursRow) -> dict:
    out = {
        "name": row.label,
        "minutes": row.minutes,
        "hours": round(row.minutes / 60, 2),
        "shifts": row.shifts,
        "volunteers": row.volunteers,
    }
    if group_by == "month":
        out["month"] = row.label
    else:
        out[_KEY[group_by]] = row.key
    if group_by == "org":
        out["own"] = row.own
    if group_by == "volunteer":
        out["volunteer_no"] = row.number
    if group_by in ("team", "branch"):
        out["members"] = row.members
    return out


@blp.get("/stats/hours")
@blp.arguments(HoursQuery, location="query")
@blp.response(200, HoursOut)
@blp.errors(400, 401, 403, 404)
@auth_required
def hours(query, user):
    """Confirmed hours of an organisation's subtree between two dates, grouped (organizers and reviewers of
    that subtree), read from the tallies."""
    rules.check_range(query["from_"], query["to"])
    org = get_org(query["org_id"])
    permissions.require_review(user, org)
    period = Period("custom", query["from_"], query["to"])
    rows = queries.hours_rows(org, period, query["group_by"], locale=str(get_locale() or "zh"))
    return {
        "org_id": org.id,
        "from_": period.start,
        "to": period.end,
        "group_by": query["group_by"],
        "rows": [_row(query["group_by"], row) for row in rows],
    }
