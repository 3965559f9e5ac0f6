"""core.db.start_read: a read on a thread, session and connection of its own, collected later."""

import threading

import pytest
import sqlalchemy as sa

from volunteer_hub.accounts.models import User
from volunteer_hub.core.db import start_read
from volunteer_hub.extensions import db


def _who_read(caller_session):
    return (
        threading.current_thread() is threading.main_thread(),
        db.session() is caller_session,
        db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar(),
    )


def test_the_read_runs_beside_the_caller_and_sees_what_is_committed(app, make_user):
    make_user("Committed")
    with app.app_context():
        caller_session = db.session()
        db.session.add(User(phone="+8613800009999", name="Pending", password_hash="x"))
        db.session.flush()  # written in the caller's open transaction, not committed
        pending = start_read(_who_read, caller_session)
        on_main_thread, same_session, users = pending.result(timeout=30)
    assert (on_main_thread, same_session, users) == (False, False, 1)


def test_the_read_gives_its_connection_back_and_its_error_to_the_caller(app):
    def fail():
        db.session.execute(sa.text("SELECT * FROM no_such_table")).all()

    with app.app_context():
        checked_out = db.engine.pool.checkedout()
        with pytest.raises(sa.exc.DBAPIError):
            start_read(fail).result(timeout=30)
        assert db.engine.pool.checkedout() == checked_out
        assert start_read(lambda: 42).result(timeout=30) == 42
