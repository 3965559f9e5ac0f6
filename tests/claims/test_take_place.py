"""Taking a place and writing the claim (one statement on PostgreSQL, two on SQLite)."""

from datetime import timedelta

from volunteer_hub.accounts.models import User
from volunteer_hub.claims import services
from volunteer_hub.claims.terms import shift_terms
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import Shift


def test_the_last_place_confirms_the_next_claim_waits_and_the_shift_changes_only_its_count(app, make_task, make_user):
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 2)]).shifts[0].id
    people = [make_user().id for _ in range(3)]
    with app.app_context():
        before = db.session.get(Shift, shift_id)
        columns = {c.key: getattr(before, c.key) for c in Shift.__table__.columns if c.key != "confirmed"}
        db.session.expunge_all()
        statuses = [
            str(services.claim_shift(db.session.get(User, uid), shift_terms(shift_id)).status) for uid in people
        ]
        after = db.session.get(Shift, shift_id, populate_existing=True)
        assert statuses == ["confirmed", "confirmed", "waitlisted"]
        assert after.confirmed == 2
        assert {key: getattr(after, key) for key in columns} == columns
