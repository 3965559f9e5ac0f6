"""Schemathesis fuzzes every /api/v1 operation of the OpenAPI document: no 5xx (and no logged error), and every
answer's status code, content type and body conform to the document.

The app runs in-process (schemathesis' WSGI mode) on the suite's real database and Redis. Each operation starts
from a small seeded world whose ids are small integers, so generated ids often hit real objects: an organizer of a
community with a task, a shift, claims, a ledger entry and a certificate; requests carry that organizer's bearer
token (a fresh one per example: the fuzzer may revoke it). Bounded and deterministic: a few derandomized examples
per operation, no example database.
"""

from datetime import date, timedelta

import pytest
import schemathesis
import time_machine
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from volunteer_hub import create_app
from volunteer_hub.accounts.models import User
from volunteer_hub.claims import services as claims
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import Shift

OPENAPI = "/api/v1/openapi.json"
MAX_EXAMPLES = 30
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def world(app, make_org, make_user, make_task, grant, api_token):
    """A community with an organizer, a task with a coming and a running shift, and a volunteer's claims on both.

    Returns the ids a path parameter may take and a function giving a fresh bearer token of the organizer.
    """
    street = make_org("民治街道", "street")
    community = make_org("白石龙社区", "community", street)
    organizer = make_user("王书记")
    grant(organizer, community, "organizer")
    volunteer = make_user("李晓明", lat=22.61, lon=114.03, birth_date=date(1990, 1, 1))  # night shifts: adults
    task = make_task(community, created_by=organizer, shifts=[(timedelta(days=1), 4, 3), (timedelta(hours=-5), 3, 3)])
    with app.test_request_context(), time_machine.travel(now() - timedelta(hours=6)):
        claim_ids = [
            claims.claim_shift(db.session.get(User, volunteer.id), db.session.get(Shift, shift.id)).id
            for shift in task.shifts
        ]
        db.session.remove()
    ids = {"org_id": community.id, "task_id": task.id, "shift_id": task.shifts[1].id, "claim_id": claim_ids[1]}
    return ids, lambda: api_token(organizer)


def _operations() -> list[str]:
    """The document's operations ("GET /api/v1/me", ...), read from an app that touches no database or Redis."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "REDIS_URL": "redis://127.0.0.1:1/0",
            "SECRET_KEY": "collection-only",
        }
    )
    document = app.test_client().get(OPENAPI).get_json()
    return [
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]


@pytest.mark.parametrize("label", _operations())
def test_the_api_conforms_to_its_openapi_document(app, world, label):
    """Valid and invalid requests alike get documented, well-formed answers and never a server error; half the
    valid ones name the seeded objects, so they reach past the 404 into the rules."""
    ids, token = world
    operation = schemathesis.openapi.from_wsgi(OPENAPI, app).find_operation_by_label(label)
    seeded = {name: value for name, value in ids.items() if "{" + name + "}" in operation.path}
    strategies = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    if seeded:
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=seeded))

    @given(st.one_of(strategies))
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def fuzz(case):
        # Uncompressed: schemathesis' WSGI client does not decode a zstd body (tests/test_compression.py covers it).
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token()}", "Accept-Encoding": "identity"}, checks=CHECKS
        )

    fuzz()
