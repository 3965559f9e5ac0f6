"""Pages, styles and scripts travel compressed (the weak-network budget counts transferred bytes), in the best
encoding the browser accepts; a deployment whose proxy compresses can switch it off."""

import brotli
import pytest
from backports import zstd

from volunteer_hub import create_app

PHONE = {"Accept-Encoding": "gzip, deflate, br, zstd"}
OLD_BROWSER = {"Accept-Encoding": "gzip"}


@pytest.mark.parametrize(
    ("path", "mimetype"),
    [
        ("/login", "text/html"),
        ("/static/css/app.css", "text/css"),
        ("/static/js/app.js", "text/javascript"),
    ],
)
def test_pages_styles_and_scripts_are_sent_compressed(client, path, mimetype):
    with client.get(path, headers=PHONE) as response, client.get(path) as uncompressed:
        sent, plain = response.get_data(), uncompressed.get_data()

    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.headers["Content-Encoding"] == "zstd"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert zstd.decompress(sent) == plain
    assert len(sent) < len(plain) / 2


def test_a_browser_without_zstd_gets_brotli_or_gzip(client):
    assert brotli.decompress(client.get("/login", headers={"Accept-Encoding": "gzip, br"}).get_data())
    assert client.get("/login", headers=OLD_BROWSER).headers["Content-Encoding"] == "gzip"


def test_a_deployment_whose_proxy_compresses_can_switch_it_off(app):
    config = {key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "REDIS_URL", "SECRET_KEY")}
    plain_app = create_app({**config, "COMPRESS_RESPONSES": False})

    with plain_app.test_client().get("/static/css/app.css", headers=PHONE) as response:
        pass

    assert response.status_code == 200 and "Content-Encoding" not in response.headers
