"""The schema comes only from the migrations, and they match the models exactly."""

import sqlalchemy as sa

from volunteer_hub.extensions import db


def test_migrations_leave_no_drift_against_the_models(app):
    result = app.test_cli_runner().invoke(args=["db", "check"])

    assert result.exit_code == 0, result.output


def test_upgrade_from_empty_creates_every_table(app):
    with app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())

    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables
