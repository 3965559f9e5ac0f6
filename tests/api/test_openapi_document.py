"""The OpenAPI document is part of the API's contract: it must match the committed snapshot tests/api/openapi.json
exactly (paths, parameters, schemas and their component names, error replies, tags, security).

A difference fails the suite, so an API change is always deliberate. After changing the API on purpose, refresh the
snapshot and review its diff with the change:

    UPDATE_OPENAPI_SNAPSHOT=1 .venv/bin/pytest -q tests/api/test_openapi_document.py -p no:cacheprovider
"""

import difflib
import json
import os
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("openapi.json")


def render(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_the_openapi_document_matches_the_committed_snapshot(app):
    reply = app.test_client().get("/api/v1/openapi.json", headers={"Accept-Language": "en"})
    assert reply.status_code == 200
    current = render(reply.get_json())
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT") == "1":
        SNAPSHOT.write_text(current, encoding="utf-8")

    expected = SNAPSHOT.read_text(encoding="utf-8")

    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True), current.splitlines(keepends=True), "snapshot", "current", n=2
        )
    )
    assert not diff, "The OpenAPI document changed (refresh command in this module's docstring):\n" + diff[:20000]
