"""What the API checks in every request: text fields refuse control characters (PostgreSQL cannot store NUL: that
was a 500) and dates keep to the supported years (year 1 or 9999 overflowed: a 500), each with the usual 400
validation_error naming the field; names and titles need a visible character."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from volunteer_hub import create_app

CONTROL = "a\x00b"
MESSAGE = "Remove the invisible control characters from this text (they often come with pasted text)."


def _document() -> dict:
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "REDIS_URL": "redis://127.0.0.1:1/0",
            "SECRET_KEY": "collection-only",
        }
    )
    return app.test_client().get("/api/v1/openapi.json").get_json()


def _fields(document: dict, wanted):  # noqa: C901 -- one walk over every OpenAPI shape a client sends
    """(method, path, where, field path, schema) for every value a client sends whose schema is wanted(schema)."""
    components = document["components"]["schemas"]

    def resolve(schema):
        while "$ref" in schema:
            schema = components[schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def strings(schema, prefix=""):
        for name, prop in resolve(schema).get("properties", {}).items():
            prop = resolve(prop)
            if prop.get("readOnly"):
                continue
            if wanted(prop):
                yield prefix + name, prop
            elif prop.get("type") == "array":
                item = resolve(prop["items"])
                if wanted(item):
                    yield f"{prefix}{name}.0", item
                else:
                    yield from strings(item, f"{prefix}{name}.0.")
            elif "properties" in prop:
                yield from strings(prop, f"{prefix}{name}.")

    for path, item in document["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            if "requestBody" in operation:
                for field, schema in strings(operation["requestBody"]["content"]["application/json"]["schema"]):
                    yield method.upper(), concrete, "json", field, schema
            for parameter in operation.get("parameters", []):
                schema = resolve(parameter.get("schema", {}))
                if parameter["in"] == "query" and wanted(schema):
                    yield method.upper(), concrete, "query", parameter["name"], schema


DOCUMENT = _document()
FIELDS = [
    (*where, "enum" in schema)
    for *where, schema in _fields(DOCUMENT, lambda schema: schema.get("type") == "string" and "format" not in schema)
]
DATES = [
    (*where, schema["format"])
    for *where, schema in _fields(DOCUMENT, lambda schema: schema.get("format") in ("date", "date-time"))
]


def _body(field: str, value):
    """{"a": {"b": [{"c": value}]}} for "a.b.0.c"."""
    node = value
    for part in reversed(field.split(".")):
        node = [node] if part == "0" else {part: node}
    return node


def test_the_fields_tried_include_those_that_failed_on_postgresql():
    tried = {(method, path, field) for method, path, _where, field, _chosen in FIELDS}
    assert {
        ("POST", "/api/v1/auth/register", "name"),
        ("POST", "/api/v1/help-requests", "contact_name"),
        ("PATCH", "/api/v1/me", "name"),
        ("POST", "/api/v1/tasks", "title"),
        ("POST", "/api/v1/teams", "name"),
        ("POST", "/api/v1/hours/corrections", "reason"),
    } <= tried


@pytest.mark.parametrize(
    ("method", "path", "where", "field", "chosen"), FIELDS, ids=[f"{m} {p} {f}" for m, p, _w, f, _c in FIELDS]
)
def test_every_text_field_refuses_control_characters(client, make_user, api_token, method, path, where, field, chosen):
    """Anonymous or not, with the other fields missing or not: the field is named in a 400 validation_error."""
    headers = {"Authorization": f"Bearer {api_token(make_user())}", "Accept-Language": "en"}
    if where == "json":
        response = client.open(path, method=method, json=_body(field, CONTROL), headers=headers)
    else:
        response = client.open(path, method=method, query_string={field: CONTROL}, headers=headers)

    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.json["error"]
    assert error["code"] == "validation_error"
    # A field with a list of choices may say "Choose one of ..." first; a free text field says why.
    assert field in error["fields"] if chosen else error["fields"][field] == MESSAGE, error


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2100-01-01"])
@pytest.mark.parametrize(
    ("method", "path", "where", "field", "kind"), DATES, ids=[f"{m} {p} {f}" for m, p, _w, f, _k in DATES]
)
def test_every_date_outside_the_supported_years_is_refused(
    client, make_user, api_token, method, path, where, field, kind, day
):
    """Anonymous or not, with the other fields missing or not: the field is named in a 400 validation_error."""
    headers = {"Authorization": f"Bearer {api_token(make_user())}", "Accept-Language": "en"}
    value = day if kind == "date" else f"{day}T12:00:00+08:00"
    if where == "json":
        response = client.open(path, method=method, json=_body(field, value), headers=headers)
    else:
        response = client.open(path, method=method, query_string={field: value}, headers=headers)

    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.json["error"]["fields"][field] == "Enter a date from 1900-01-01 to 2099-12-31."


INVISIBLE = ["\u200b", " \u200d\u200c ", "\u202e\u2066\u2069", "\ufeff\u3164"]


@pytest.fixture
def send_name(api, make_org, make_user, grant, api_token, sms_code):
    """send_name(what, text) -> the answer to a request naming or titling something with text."""
    street = make_org("民治街道", "street")
    community = make_org("白石龙社区", "community", street)
    organizer = make_user("王书记")
    grant(organizer, street)
    token = api_token(organizer)
    starts = datetime(2030, 3, 2, 8, tzinfo=UTC)
    requests = {
        "user": lambda text: api.post(
            "/auth/register",
            json={
                "phone": "13912345678",
                "password": "Lantern-river-42",
                "name": text,
                "code": sms_code("13912345678"),
            },
        ),
        "profile": lambda text: api.patch("/me", token=token, json={"name": text}),
        "team": lambda text: api.post("/teams", token=token, json={"name": text, "org_id": community.id}),
        "org": lambda text: api.post(
            "/orgs", token=token, json={"name": text, "kind": "community", "parent_id": street.id}
        ),
        "task": lambda text: api.post(
            "/tasks",
            token=token,
            json={
                "org_id": community.id,
                "title": text,
                "type": "checkpoint",
                "lat": 22.6,
                "lon": 114.0,
                "shifts": [
                    {
                        "starts_at": starts.isoformat(),
                        "ends_at": (starts + timedelta(hours=4)).isoformat(),
                        "capacity": 2,
                    }
                ],
            },
        ),
    }
    return lambda what, text: requests[what](text)


@pytest.mark.parametrize("text", INVISIBLE, ids=["zero-width space", "joiners", "bidi", "BOM and filler"])
@pytest.mark.parametrize(
    ("what", "field"), [("user", "name"), ("profile", "name"), ("team", "name"), ("org", "name"), ("task", "title")]
)
def test_a_name_or_title_of_invisible_characters_only_is_missing(send_name, what, field, text):
    response = send_name(what, text)

    assert response.status_code == 400, response.json
    assert response.json["error"]["code"] == "validation_error" and field in response.json["error"]["fields"]


@pytest.mark.parametrize("what", ["user", "team", "org", "task"])
def test_a_name_with_a_zero_width_joiner_inside_visible_letters_is_kept(send_name, what):
    assert send_name(what, "李\u200d雷").status_code in (200, 201)
