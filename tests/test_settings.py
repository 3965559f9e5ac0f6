"""Settings come from the environment (volunteer_hub.config): a malformed value stops the start and names its
variable, rather than a bare conversion error or a silently different setting."""

import pytest

from volunteer_hub import create_app


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NEARBY_RADIUS_KM", "abc"),
        ("NEARBY_PAGE_SIZE", "20.5"),
        ("JOB_RETRY_INTERVALS_S", "10,soon"),
        ("RATELIMIT_ENABLED", "maybe"),
    ],
)
def test_a_malformed_setting_stops_the_start_naming_its_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)

    with pytest.raises(ValueError, match=f'"{name}" invalid'):
        create_app({"SECRET_KEY": "test"})


def test_settings_are_read_with_their_types(monkeypatch, tmp_path):
    monkeypatch.setenv("NEARBY_RADIUS_KM", "2.5")
    monkeypatch.setenv("JOB_RETRY_INTERVALS_S", "5,7")
    monkeypatch.setenv("REMINDER_HOURS_BEFORE", "")
    monkeypatch.setenv("COMPRESS_RESPONSES", "0")

    app = create_app({"SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db'}"})

    assert app.config["NEARBY_RADIUS_KM"] == 2.5
    assert app.config["JOB_RETRY_INTERVALS_S"] == (5, 7)
    assert app.config["REMINDER_HOURS_BEFORE"] == ()
    assert app.config["COMPRESS_RESPONSES"] is False
