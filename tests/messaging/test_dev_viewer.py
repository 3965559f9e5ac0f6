"""The development viewer: what the development senders kept instead of sending, at /dev/messages (page) and
/dev/messages.json, newest first; absent (404) as soon as a real SMS or e-mail sender is configured."""

import pytest

from tests.conftest import read_code
from volunteer_hub import create_app
from volunteer_hub.extensions import db

FIRST, SECOND = "13987654321", "13987654320"


def ask(api, phone):
    return api.post("/auth/verification-codes", json={"phone": phone, "purpose": "register"})


def test_the_json_lists_each_sms_newest_first_with_its_fields(app, api, client):
    ask(api, FIRST)
    read_code(app, FIRST)
    ask(api, SECOND)
    code = read_code(app, SECOND)

    items = client.get("/dev/messages.json").get_json()["items"]

    assert [item["to"] for item in items] == ["+86" + SECOND, "+86" + FIRST]
    assert set(items[0]) == {"channel", "to", "text", "created_at"}
    assert items[0]["channel"] == "sms" and code in items[0]["text"]
    assert items[0]["created_at"] >= items[1]["created_at"]


def test_the_page_shows_the_code_to_copy(app, api, client):
    ask(api, FIRST)
    code = read_code(app, FIRST)

    response = client.get("/dev/messages")

    assert response.status_code == 200
    assert code in response.get_data(as_text=True) and FIRST[-4:] in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_nothing_kept_yet_is_an_empty_list(client):
    assert client.get("/dev/messages.json").get_json() == {"items": []}


@pytest.fixture
def app_with(app, tmp_path):
    """app_with(**settings): another app (its own SQLite file, so the shared test database is left alone)."""
    made = []

    def build(**settings):
        config = {**app.config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'other.db'}", **settings}
        made.append(create_app(config))
        return made[-1]

    yield build
    for other in made:
        with other.app_context():
            db.engine.dispose()


ALIYUN = {"SMS_SENDER": "aliyun", "ALIBABA_CLOUD_ACCESS_KEY_ID": "id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret"}
TENCENT = {"SMS_SENDER": "tencent", "TENCENTCLOUD_SECRET_ID": "id", "TENCENTCLOUD_SECRET_KEY": "key"}
SMTP = {"EMAIL_SENDER": "smtp", "SMTP_HOST": "127.0.0.1", "MAIL_FROM": "hub@example.cn"}


@pytest.mark.parametrize(
    "senders", [ALIYUN, {**TENCENT, "TENCENT_SMS_SDK_APP_ID": "1400000000"}, SMTP], ids=["aliyun", "tencent", "smtp"]
)
def test_the_viewer_does_not_exist_with_a_real_sender(app_with, senders):
    client = app_with(
        **{"SMS_SENDER": "dev", "EMAIL_SENDER": "dev", "SMS_SIGN_NAME": "志愿汇", **senders}
    ).test_client()

    assert client.get("/dev/messages").status_code == 404
    assert client.get("/dev/messages.json").status_code == 404


def test_the_viewer_exists_with_the_development_sms_and_no_email(app_with):
    other = app_with(SMS_SENDER="dev", EMAIL_SENDER="none")

    assert {"messaging.dev_messages", "messaging.dev_messages_json"} <= set(other.view_functions)
