"""A deployment that names a real SMS provider but lacks its keys or the registered signature refuses to start and
names what is missing, instead of failing on the first message it sends."""

import pytest

from tests.messaging.standins import settings
from volunteer_hub import create_app
from volunteer_hub.config import MissingSetting


@pytest.fixture
def start(app, tmp_path):
    # The tests' Redis: create_app re-points the process-wide limiter at the new app's store, which must stay the
    # one the suite empties after each test (an embedded Redis in the checkout would keep counting logins).
    shared = {key: app.config[key] for key in ("REDIS_URL", "RATELIMIT_STORAGE_URI")}

    def create(**config):
        return create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "s", **shared, **config}
        )

    return create


@pytest.mark.parametrize(
    ("provider", "missing"),
    [
        ("aliyun", "ALIBABA_CLOUD_ACCESS_KEY_ID"),
        ("aliyun", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
        ("aliyun", "SMS_SIGN_NAME"),
        ("tencent", "TENCENTCLOUD_SECRET_ID"),
        ("tencent", "TENCENTCLOUD_SECRET_KEY"),
        ("tencent", "TENCENT_SMS_SDK_APP_ID"),
        ("tencent", "SMS_SIGN_NAME"),
    ],
)
def test_a_real_sms_sender_without_a_setting_refuses_to_start_and_names_it(start, provider, missing):
    config = {**settings(provider, "http://127.0.0.1:9"), missing: ""}

    with pytest.raises(MissingSetting, match=f"{missing} must be set for SMS_SENDER={provider}"):
        start(**config)


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_a_real_sms_sender_with_its_settings_starts_without_the_development_viewer(start, provider):
    app = start(**settings(provider, "http://127.0.0.1:9"), EMAIL_SENDER="none")

    assert app.config["SMS_SENDER"] == provider
    assert app.test_client().get("/dev/messages.json").status_code == 404


def test_sms_templates_read_kind_colon_code_pairs_from_the_environment(start, monkeypatch):
    monkeypatch.setenv("SMS_TEMPLATES", "verification_code:SMS_1,claim_promoted:1234567/task/time")

    app = start()

    assert app.config["SMS_TEMPLATES"] == {"verification_code": "SMS_1", "claim_promoted": "1234567/task/time"}
