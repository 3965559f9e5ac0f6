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


def test_upgrading_a_database_that_holds_data_keeps_it(app, api, make_task, make_user, api_token):
    """A running instance upgrades in place: SQLite's table rebuilds must not trip over the rows' foreign keys."""
    task = make_task()
    claim_id = api.post(f"/shifts/{task.shifts[0].id}/claims", token=api_token(make_user())).json["id"]
    runner = app.test_cli_runner()

    down = runner.invoke(args=["db", "downgrade", "0003"])
    up = runner.invoke(args=["db", "upgrade"])

    assert down.exit_code == 0 and up.exit_code == 0, down.output + up.output
    with app.app_context():
        db.engine.dispose()
        assert (
            db.session.execute(sa.text("SELECT status FROM claims WHERE id = :id"), {"id": claim_id}).scalar_one()
            == "confirmed"
        )
