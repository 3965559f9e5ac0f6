"""Organisation shapes of the JSON API that domains above orgs reuse (tasks, help, hours name an organisation)."""

from marshmallow import fields

from volunteer_hub.core.schemas import Schema


class OrgRef(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    name_en = fields.String(
        allow_none=True,
        metadata={"description": "The English name, or null; pages in English show it instead of name when given."},
    )
