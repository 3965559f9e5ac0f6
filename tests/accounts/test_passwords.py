"""Passwords are stored with Argon2id and older hashes are upgraded at the next login."""

import pytest
from argon2 import PasswordHasher
from werkzeug.security import generate_password_hash

from tests.conftest import PASSWORD
from volunteer_hub.accounts.models import User
from volunteer_hub.accounts.passwords import password_problem
from volunteer_hub.extensions import db


def stored_hash(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).password_hash


def test_registration_stores_an_argon2id_hash(app, api, sms_code):
    body = {"phone": "13912345678", "password": PASSWORD, "name": "李雷", "code": sms_code("13912345678")}
    user_id = api.post("/auth/register", json=body).json["id"]

    assert stored_hash(app, user_id).startswith("$argon2id$")


@pytest.mark.parametrize(
    "old_hash",
    [
        generate_password_hash(PASSWORD, method="scrypt"),
        generate_password_hash(PASSWORD, method="pbkdf2:sha256"),
        PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash(PASSWORD),
    ],
)
def test_an_older_hash_is_upgraded_at_login(app, api, make_user, old_hash):
    user = make_user()
    with app.app_context():
        db.session.get(User, user.id).password_hash = old_hash
        db.session.commit()

    response = api.post("/auth/token", json={"phone": user.phone, "password": PASSWORD})

    assert response.status_code == 200
    upgraded = stored_hash(app, user.id)
    assert upgraded != old_hash and upgraded.startswith("$argon2id$v=19$m=1024,t=1,p=1$")


def test_a_wrong_password_does_not_touch_the_hash(app, api, make_user):
    user = make_user()
    before = stored_hash(app, user.id)

    api.post("/auth/token", json={"phone": user.phone, "password": "Wrong2020pass"})

    assert stored_hash(app, user.id) == before


@pytest.mark.parametrize("weak", ["abc123", "password1", "12345678", "13912345678"])
def test_weak_passwords_are_refused(ctx, weak):
    assert password_problem(weak, user_inputs=("13912345678",)) is not None


def test_a_reasonable_password_is_accepted(ctx):
    assert password_problem("Checkpoint-night-2020") is None
