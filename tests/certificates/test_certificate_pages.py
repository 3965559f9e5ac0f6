"""The volunteer's certificate pages (ask, wait, download; WeChat's hint) and revoking from the verification page."""

import re
from datetime import date

import pytest
import time_machine

from tests.conftest import english
from volunteer_hub.certificates import services

WECHAT = (
    "Mozilla/5.0 (Linux; Android 12; V2134A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/86.0 Mobile "
    "Safari/537.36 MicroMessenger/8.0.50.2701(0x28003237) NetType/WIFI Language/zh_CN"
)


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel("2024-06-15 10:00 +08:00", tick=False):
        yield


@pytest.fixture
def org(make_org):
    return make_org("民治社区")


@pytest.fixture
def volunteer(client, login, make_user, org, make_entry):
    """李晓明, logged in (English pages), with 4 hours for 民治社区 this year and 2 hours last year."""
    person = make_user("李晓明")
    make_entry(person, org, date(2024, 2, 3), 240)
    make_entry(person, org, date(2023, 11, 5), 120)
    english(client)
    login(person)
    return person


def ask(client, post, **fields):
    return post(client, "/me/certificates", {"period": "all", "locale": "en", **fields})


def render_all(app, certificate_id):
    with app.app_context():
        services.render_certificate(certificate_id)


def certificate_id(response) -> int:
    return int(re.fullmatch(r"/me/certificates/(\d+)", response.headers["Location"]).group(1))


def test_the_page_offers_the_form_and_lists_nothing_yet(client, volunteer):
    html = client.get("/me/certificates").get_data(as_text=True)

    assert "Get a certificate of service" in html and "This year" in html
    assert "You have not asked for a certificate yet." in html


def test_asking_for_this_year_leads_to_a_result_page_that_waits_for_the_pdf(client, post, volunteer):
    response = ask(client, post, period="year")

    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your certificate is being prepared" in page and "data-reload-after" in page
    assert "January 1, 2024 to June 15, 2024" in page and "4.00 hours" in page


def test_once_ready_the_page_offers_the_pdf_download(app, client, post, volunteer):
    response = ask(client, post)
    render_all(app, certificate_id(response))

    page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert "Your certificate is ready" in page and "6.00 hours" in page
    download = client.get(f"{response.headers['Location']}.pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert download.headers["Content-Disposition"].startswith("attachment;")


def test_inside_wechat_the_page_explains_how_to_get_the_pdf_instead_of_a_download_link(app, client, post, volunteer):
    response = ask(client, post)
    render_all(app, certificate_id(response))

    page = client.get(response.headers["Location"], headers={"User-Agent": WECHAT}).get_data(as_text=True)

    assert "WeChat cannot download files" in page and "Open in browser" in page
    assert "Download the PDF" not in page
    assert '<svg width="' in page  # the verification QR code is on the page itself


def test_chosen_dates_must_be_given_and_in_order(client, post, volunteer):
    missing = ask(client, post, period="custom", date_from="2024-01-01")
    backwards = ask(client, post, period="custom", date_from="2024-03-01", date_to="2024-02-01")

    assert missing.status_code == 400 and "Enter a date." in missing.get_data(as_text=True)
    assert backwards.status_code == 400
    assert "The start of the period must be on or before its end." in backwards.get_data(as_text=True)


def test_a_period_without_hours_is_explained_on_the_form(client, post, volunteer):
    response = ask(client, post, period="custom", date_from="2024-03-01", date_to="2024-06-01")

    assert response.status_code == 400
    assert "You have no confirmed service hours in this period" in response.get_data(as_text=True)


def test_another_volunteers_certificate_page_is_not_found(app, client, post, volunteer, make_user, login, new_client):
    response = ask(client, post)
    render_all(app, certificate_id(response))
    someone_else = login(make_user("别人"), new_client())

    assert someone_else.get(response.headers["Location"]).status_code == 404
    assert someone_else.get(f"{response.headers['Location']}.pdf").status_code == 404


def test_an_organizer_revokes_from_the_verification_page(
    app, client, post, volunteer, org, make_user, grant, login, new_client
):
    response = ask(client, post)
    render_all(app, certificate_id(response))
    with app.app_context():
        code = services.get_own_certificate(volunteer, certificate_id(response)).code
    organizer = make_user("王书记")
    grant(organizer, org)
    staff = login(organizer, new_client())

    assert "Revoke this certificate" in staff.get(f"/cert/{code}").get_data(as_text=True)
    assert "Revoke this certificate" not in client.get(f"/cert/{code}").get_data(as_text=True)
    empty = post(staff, f"/cert/{code}/revoke", {"reason": ""})
    assert empty.status_code == 400
    done = post(staff, f"/cert/{code}/revoke", {"reason": "重复申请"}, follow_redirects=True)
    assert "This certificate is not valid" in done.get_data(as_text=True)
    assert client.get(f"{response.headers['Location']}.pdf").status_code == 409


def test_the_revoke_page_is_refused_to_the_volunteer(app, client, post, volunteer):
    response = ask(client, post)
    with app.app_context():
        code = services.get_own_certificate(volunteer, certificate_id(response)).code

    assert client.get(f"/cert/{code}/revoke").status_code == 403
