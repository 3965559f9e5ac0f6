"""Every connection the app opens carries its backend's settings (core.db)."""

import sqlalchemy as sa

from volunteer_hub.extensions import db


def test_each_connection_is_configured_for_its_backend(app):
    with app.app_context():
        db.engine.dispose()  # a new connection, not one a fixture opened
        with db.engine.connect() as conn:
            if db.engine.dialect.name == "postgresql":
                settings = {"jit": conn.execute(sa.text("SHOW jit")).scalar()}
                expected = {"jit": "off"}
            else:
                settings = {
                    "journal_mode": conn.execute(sa.text("PRAGMA journal_mode")).scalar(),
                    "foreign_keys": conn.execute(sa.text("PRAGMA foreign_keys")).scalar(),
                }
                expected = {"journal_mode": "wal", "foreign_keys": 1}

    assert settings == expected
