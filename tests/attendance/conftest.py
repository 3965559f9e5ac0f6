"""Attendance fixtures: a community with an organizer and a volunteer confirmed on one shift, readers of what
was stored, and English browsers."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from volunteer_hub.attendance.models import AttendanceEvent
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.claims.models import Claim
from volunteer_hub.extensions import db


@pytest.fixture
def scene(app, api, make_org, make_user, make_task, grant, api_token):
    """scene(starts_in=2 h, hours=4, **task) -> a community, its organizer and a volunteer confirmed on one shift."""

    def build(starts_in=timedelta(hours=2), hours=4, **task_fields):
        org = make_org("白石龙社区")
        organizer = make_user("王书记")
        grant(organizer, org)
        volunteer = make_user("李晓明", locale="en")
        task = make_task(org, shifts=[(starts_in, hours, 5)], created_by=organizer, **task_fields)
        shift = task.shifts[0]
        token = api_token(volunteer)
        response = api.post(f"/shifts/{shift.id}/claims", token=token)
        assert response.json["status"] == "confirmed"
        return SimpleNamespace(
            org=org,
            organizer=organizer,
            organizer_token=api_token(organizer),
            volunteer=volunteer,
            token=token,
            task=task,
            shift=shift,
            claim_id=response.json["id"],
        )

    return build


@pytest.fixture
def join(api, make_user, api_token):
    """join(scene, name) -> (user, token, claim id): another volunteer confirmed on the scene's shift."""

    def do(s, name="张伟"):
        user = make_user(name)
        token = api_token(user)
        response = api.post(f"/shifts/{s.shift.id}/claims", token=token)
        return user, token, response.json["id"]

    return do


@pytest.fixture
def stored(app):
    """stored(claim_id) -> the claim as the database has it now."""

    def read(claim_id):
        with app.app_context():
            claim = db.session.get(Claim, claim_id)
            db.session.expunge(claim)
            return claim

    return read


@pytest.fixture
def events(app):
    """events(claim_id) -> [(kind, method, actor_id)] of the claim's attendance events, oldest first."""

    def read(claim_id):
        with app.app_context():
            return [
                (e.kind, e.method, e.actor_id)
                for e in db.session.execute(
                    sa.select(AttendanceEvent).where(AttendanceEvent.claim_id == claim_id).order_by(AttendanceEvent.id)
                ).scalars()
            ]

    return read


@pytest.fixture
def audits(app):
    """audits(claim_id) -> [(action, actor_id)] written about the claim."""

    def read(claim_id):
        with app.app_context():
            return [
                (a.action, a.actor_id)
                for a in db.session.execute(
                    sa.select(AuditEvent)
                    .where(AuditEvent.subject_type == "claim", AuditEvent.subject_id == claim_id)
                    .order_by(AuditEvent.id)
                ).scalars()
            ]

    return read


@pytest.fixture
def browser(app, login):
    """browser(user) -> an English test client logged in as user."""

    def open_as(user):
        client = app.test_client()
        client.set_cookie("lang", "en")
        return login(user, client)

    return open_as
