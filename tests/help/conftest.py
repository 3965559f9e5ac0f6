"""Help-request fixtures: a street with two sibling communities and their organizers, and a way to ask,
accept and claim through the services."""

from dataclasses import dataclass
from datetime import time, timedelta

import pytest

from tests.conftest import SHENZHEN
from volunteer_hub.accounts.models import User
from volunteer_hub.claims import services as claim_services
from volunteer_hub.core.timeutil import local_to_utc, now, to_local
from volunteer_hub.extensions import db
from volunteer_hub.help import services
from volunteer_hub.help.models import HelpRequest
from volunteer_hub.tasks.models import Task

PHONE = "+8613912345678"
ADDRESS = "Building 5, Unit 2, Room 1203"
ALL_BANDS = {f"avail_{code}": True for code in ("weekday_day", "weekday_night", "weekend_day", "weekend_night")}


def tomorrow_at(hour: int):
    """Tomorrow at hour:00 local time, as UTC (daytime: no night-shift rules apply)."""
    return local_to_utc(to_local(now()).date() + timedelta(days=1), time(hour, 0))


@dataclass
class World:
    street: object
    community: object
    sibling: object
    organizer: object
    sibling_organizer: object


@pytest.fixture
def world(make_org, make_user, grant):
    """A street with the communities Minzhi (the resident's) and Longhua (a sibling), one organizer each."""
    street = make_org("Minzhi Street", kind="street")
    community = make_org("Minzhi Community", parent=street)
    sibling = make_org("Longhua Community", parent=street, lat=SHENZHEN[0] + 0.05)
    organizer, sibling_organizer = make_user("Wang Organizer"), make_user("Zhao Organizer")
    grant(organizer, community)
    grant(sibling_organizer, sibling)
    return World(street, community, sibling, organizer, sibling_organizer)


@pytest.fixture
def ask(app, world):
    """ask(requester=None, **fields) -> (request id, follow-up token or None), sent to Minzhi Community."""

    def create(requester=None, **fields):
        with app.test_request_context():
            data = {
                "type": "delivery",
                "description": "Please buy rice and vegetables for me.",
                "address": ADDRESS,
                "contact_name": "Anna",
                "contact_phone": PHONE,
                "needed_at": tomorrow_at(10),
                "community_id": world.community.id,
            } | fields
            user = db.session.get(User, requester.id) if requester else None
            created, token = services.create_request(user, **data)
            return created.id, token

    return create


@pytest.fixture
def accept(app):
    """accept(organizer, request_id) -> the id of the task made from the request."""

    def run(organizer, request_id):
        with app.test_request_context():
            task = services.accept_request(db.session.get(User, organizer.id), db.session.get(HelpRequest, request_id))
            return task.id

    return run


@pytest.fixture
def claim(app):
    """claim(user, task_id) -> the claim's status on the task's one shift."""

    def run(user, task_id):
        with app.test_request_context():
            shift = db.session.get(Task, task_id).shifts[0]
            return str(claim_services.claim_shift(db.session.get(User, user.id), shift).status)

    return run
