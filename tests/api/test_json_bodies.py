"""Every JSON body is parsed the same way: a body the server cannot read is a 400, never a server error."""

import re

DEEP = "[" * 1000 + "]" * 1000


def _operations_with_a_body(app) -> list[tuple[str, str]]:
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    return [
        (method.upper(), re.sub(r"\{[^}]+\}", "1", path))
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    ]


def test_a_body_nested_a_thousand_levels_deep_is_invalid_json_on_every_endpoint(app, client, make_user, api_token):
    """Anonymous and authenticated endpoints alike answer 400 invalid_json (it was a RecursionError: 500)."""
    token = api_token(make_user())
    operations = _operations_with_a_body(app)
    assert ("POST", "/api/v1/auth/token") in operations and ("POST", "/api/v1/help-requests") in operations

    answers = {
        f"{method} {path}": client.open(
            path,
            method=method,
            data=DEEP,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        for method, path in operations
    }

    assert {label: (r.status_code, r.json["error"]["code"]) for label, r in answers.items()} == {
        label: (400, "invalid_json") for label in answers
    }
