"""Page-test helpers: English pages (so assertions survive the Chinese translation), CSRF-carrying posts."""

import re

import pytest

from tests.conftest import english
from volunteer_hub.claims import services as claim_services
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import Shift

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _english_client(client):
    english(client)


@pytest.fixture
def post():
    """post(client, url, data) submits a form with the session's CSRF token, as a browser would."""

    def do(test_client, url, data=None, **kwargs):
        html = test_client.get("/login").get_data(as_text=True)
        token = _CSRF.search(html).group(1)
        return test_client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)

    return do


@pytest.fixture
def claim_as(app):
    """claim_as(user, shift_id) -> (claim id, status), claimed through the service as another volunteer would."""

    def do(user, shift_id):
        with app.app_context():
            claim = claim_services.claim_shift(user, db.session.get(Shift, shift_id))
            return claim.id, claim.status

    return do
