"""Headers and cookies that protect every response."""

from tests.conftest import csrf_token


def switch_language(client, target="/tasks", **kwargs):
    token = csrf_token(client, "/tasks")
    return client.post("/lang", data={"lang": "en", "next": target, "csrf_token": token}, **kwargs)


def test_every_response_carries_the_security_headers(client):
    response = client.get("/api/v1/skills")

    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_and_secure_cookies_over_https(client):
    response = switch_language(client, base_url="https://localhost")

    assert "max-age" in response.headers["Strict-Transport-Security"]
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in cookie for cookie in cookies)


def test_cookies_over_plain_http_are_httponly_and_samesite_lax(client):
    response = switch_language(client)

    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_language_switch_never_redirects_off_site(client):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = switch_language(client, target)

        assert response.headers["Location"] in ("/tasks", "http://localhost/tasks")
