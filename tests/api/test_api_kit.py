"""What the API kit (volunteer_hub.core.api, accounts.api_auth) relies on in flask-smorest and webargs, through their
public API only: if an upgrade changes any of it, these fail (see core/api.py's docstring)."""

import pytest


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/v1/no-such-thing", 404, "not_found"),
        ("DELETE", "/api/v1/tasks", 405, "method_not_allowed"),
    ],
)
def test_http_errors_under_the_api_keep_our_shape_not_flask_smorests(client, method, path, status, code):
    """flask-smorest registers its own HTTPException handler ({"code": 404, "status": "Not Found"}); the app's,
    registered after it, wins."""
    response = client.open(path, method=method)

    assert response.status_code == status
    assert set(response.json) == {"error"}
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]


@pytest.mark.parametrize("body", [b"{not json", b'{"phone": "\xff\xfe"}', b"[" * 1000 + b"]" * 1000])
def test_a_malformed_json_body_is_our_400_invalid_json(api, body):
    response = api.post("/auth/token", data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.json == {"error": {"code": "invalid_json", "message": response.json["error"]["message"]}}


def test_an_empty_json_body_is_no_body_so_required_fields_are_named(api):
    response = api.post("/auth/token", data=b"", content_type="application/json")

    assert response.status_code == 400
    assert response.json["error"]["code"] == "validation_error"
    assert "phone" in response.json["error"]["fields"]


def test_a_json_body_is_parsed_by_the_apps_provider_and_checked_by_the_schema(api):
    response = api.post(
        "/auth/token",
        json={"phone": "13812345678", "password": "x", "role": "admin"},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.json["error"]["fields"] == {"role": "This field is not accepted here."}


def test_endpoints_that_need_a_bearer_token_say_so_in_the_openapi_document(app, client, make_user, api_token):
    paths = client.get("/api/v1/openapi.json").json["paths"]

    assert paths["/api/v1/me"]["get"]["security"] == [{"bearerAuth": []}]
    assert "security" not in paths["/api/v1/skills"]["get"]
    assert "security" not in paths["/api/v1/auth/token"]["post"]
    assert client.get("/api/v1/me").json["error"]["code"] == "not_authenticated"
    token = api_token(make_user())
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
