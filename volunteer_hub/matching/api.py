"""Recommendations: open tasks that fit the caller, each with why (on accounts' api_me blueprint)."""

from flask_babel import lazy_gettext as _l
from marshmallow import fields

from volunteer_hub.accounts.api import me_blp
from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.core.schemas import Schema
from volunteer_hub.matching import services as matching
from volunteer_hub.matching.texts import with_texts


class ReasonOut(Schema):
    kind = fields.String(required=True, metadata={"description": "distance, skill, language or availability"})
    code = fields.String(metadata={"description": "The skill, language or availability band."})
    km = fields.Float(metadata={"description": "For kind distance."})
    text = fields.String(required=True)


class RecommendationOut(Schema):
    task_id = fields.Integer(required=True)
    title = fields.String(required=True)
    distance_km = fields.Float(required=True)
    reasons = fields.List(fields.Nested(ReasonOut), required=True)


class RecommendationsOut(Schema):
    items = fields.List(fields.Nested(RecommendationOut), required=True)
    hint = fields.String(metadata={"description": "Why the list is empty, when the caller has no saved location."})


@me_blp.get("/me/recommendations")
@me_blp.response(200, RecommendationsOut)
@me_blp.errors(401)
@auth_required
def my_recommendations(user):
    """Open tasks near my saved location that fit my skills and usual times, best first, each with why."""
    if not user.has_location:
        return {"items": [], "hint": _l("Save your location in your profile to get recommendations.")}
    return {
        "items": [
            {
                "task_id": item.task_id,
                "title": item.title,
                "distance_km": round(item.distance_km, 3),
                "reasons": with_texts(item.reasons),
            }
            for item in matching.recommendations_for(user)
        ]
    }
