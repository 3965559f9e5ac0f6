"""What every page shares: CSRF, the language switch, no foreign hosts, the tab bar."""

import re

import pytest


def test_a_post_without_csrf_token_is_refused(app, make_user, make_task):
    task = make_task()
    browser = app.test_client()
    for url in ("/logout", "/lang", f"/shifts/{task.shifts[0].id}/claim", "/login"):
        response = browser.post(url, data={"lang": "en"})
        assert response.status_code == 400, url


def test_switching_to_english_and_back_changes_the_page_language(app, post):
    browser = app.test_client()
    assert '<html lang="zh-CN">' in browser.get("/tasks").get_data(as_text=True)
    response = post(browser, "/lang", {"lang": "en", "next": "/tasks?date=today"})
    assert response.headers["Location"] == "/tasks?date=today"
    html = browser.get("/tasks").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert '<button class="link-button" type="submit" lang="zh-CN">中文</button>' in html
    post(browser, "/lang", {"lang": "zh", "next": "/tasks"})
    assert '<html lang="zh-CN">' in browser.get("/tasks").get_data(as_text=True)


def test_the_language_switch_returns_to_the_same_page(client):
    html = client.get("/tasks?date=today").get_data(as_text=True)
    assert 'name="next" value="/tasks?date=today"' in html


VOLUNTEER_PAGES = [
    "/tasks",
    "/tasks/{task}",
    "/login",
    "/register",
    "/me",
    "/me/edit",
    "/me/password",
    "/me/shifts",
    "/me/notifications",
    "/shifts/{shift}/claim",
    "/claims/{claim}",
    "/claims/{claim}/cancel",
]


@pytest.fixture
def volunteer_pages(client, login, make_user, make_task, claim_as):
    volunteer = make_user()
    task = make_task()
    other = make_task(title="另一个任务")
    claim_id, _ = claim_as(volunteer, task.shifts[0].id)
    login(volunteer)
    ids = {"task": task.id, "shift": other.shifts[0].id, "claim": claim_id}
    return [url.format(**ids) for url in VOLUNTEER_PAGES]


def test_volunteer_pages_load_nothing_from_other_hosts(client, volunteer_pages):
    for url in volunteer_pages:
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert not re.search(r'(?:src|href|action)="(?:[a-z]+:)?//', html), url
        assert "style=" not in html and "<style" not in html, url
        assert re.findall(r"<script[^>]*>", html) == [re.search(r'<script src="/assets/[^"]+" defer>', html)[0]]


def test_volunteer_pages_have_the_volunteer_tab_bar_and_form_pages_hide_it(client, volunteer_pages):
    for url in ("/tasks", "/me", "/me/shifts"):
        html = client.get(url).get_data(as_text=True)
        assert 'aria-current="page"' in html and "My shifts</span>" in html, url
    for url in ("/me/edit", "/me/password", "/login"):
        assert 'class="tabbar"' not in client.get(url).get_data(as_text=True), url


def test_management_pages_have_their_own_tab_bar(client, login, make_user, make_org, grant):
    organizer = make_user()
    grant(organizer, make_org())
    login(organizer)
    html = client.get("/org/tasks").get_data(as_text=True)
    assert "Hours</span>" in html and "Stats</span>" in html and "My shifts</span>" not in html
    assert "Switch to management" in client.get("/me").get_data(as_text=True)


def test_error_pages_are_localized_pages_with_a_way_home(client):
    response = client.get("/no-such-page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert '<html lang="en">' in html and "Go to the task list" in html
