"""The handover pages with the Flask client: the form reached from the check-in page (offline-ready, a double submit
recorded once), the next shift reading and acknowledging it on their check-in page, the post's log."""

import re

import sqlalchemy as sa

from tests.conftest import csrf_token, english
from volunteer_hub.extensions import db
from volunteer_hub.handovers.models import Handover

CLIENT_ID = re.compile(r'name="client_id" value="([0-9a-f]{32})"')


def browser(new_client, login, user):
    return login(user, new_client())


def submit(test_client, url, data):
    return test_client.post(url, data={"csrf_token": csrf_token(test_client), **data})


def test_the_check_in_page_leads_to_the_form_which_works_offline(new_client, login, post):
    phone = browser(new_client, login, post.on_duty[0])

    checkin = phone.get(f"/me/shifts/{post.claims[0]}/checkin").get_data(as_text=True)
    form = phone.get(f"/me/shifts/{post.claims[0]}/handover")
    html = form.get_data(as_text=True)

    assert f'href="/me/shifts/{post.claims[0]}/handover"' in checkin
    assert form.status_code == 200
    assert "data-offline-form" in html
    assert CLIENT_ID.search(html), "a hidden client_id (uuid4 hex) generated when rendering"
    assert CLIENT_ID.search(html).group(1) != CLIENT_ID.search(
        phone.get(f"/me/shifts/{post.claims[0]}/handover").get_data(as_text=True)
    ).group(1)


def test_a_double_submit_records_one_handover(app, new_client, login, post):
    phone = browser(new_client, login, post.on_duty[0])
    url = f"/me/shifts/{post.claims[0]}/handover"
    client_id = CLIENT_ID.search(phone.get(url).get_data(as_text=True)).group(1)
    data = {"notes": "东门栏杆松了", "client_id": client_id, "new_item-0": "雨衣", "new_count-0": "6"}

    first = submit(phone, url, data)
    second = submit(phone, url, data)

    assert first.status_code == second.status_code == 303
    assert first.headers["Location"].endswith(f"/me/shifts/{post.claims[0]}/checkin")
    with app.app_context():
        rows = db.session.execute(sa.select(Handover)).scalars().all()
        assert [(h.notes, h.client_id) for h in rows] == [("东门栏杆松了", client_id)]
    assert "This handover was already saved." in phone.get(second.headers["Location"]).get_data(as_text=True)


def test_a_bad_count_shows_the_form_again_with_the_notes(new_client, login, post):
    phone = browser(new_client, login, post.on_duty[0])
    url = f"/me/shifts/{post.claims[0]}/handover"

    response = submit(phone, url, {"notes": "保留这段话", "new_item-0": "雨衣", "new_count-0": "六"})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a whole number" in html and "保留这段话" in html


def test_before_checking_in_the_form_says_why_and_offers_check_in(new_client, login, post):
    phone = browser(new_client, login, post.next_volunteer)

    response = phone.get(f"/me/shifts/{post.next_claim}/handover")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "check in first" in html and "data-offline-form" not in html


def test_the_next_shift_reads_and_acknowledges_on_the_check_in_page(new_client, login, post):
    outgoing = browser(new_client, login, post.on_duty[0])
    submit(outgoing, f"/me/shifts/{post.claims[0]}/handover", {"notes": "3号楼王阿姨的药已送到"})
    incoming = browser(new_client, login, post.next_volunteer)
    page = f"/me/shifts/{post.next_claim}/checkin"

    before = incoming.get(page).get_data(as_text=True)
    ack_url = re.search(r'action="(/handovers/\d+/ack)"', before).group(1)
    acked = submit(incoming, ack_url, {"next": page})
    after = incoming.get(page).get_data(as_text=True)

    assert "Handover from the previous shift" in before and "3号楼王阿姨的药已送到" in before
    assert acked.status_code == 303 and acked.headers["Location"].endswith(page)
    assert "You have read it." in after and ack_url not in after


def test_the_log_page_lists_entries_with_who_read_them(api, new_client, login, post, tokens):
    handover = api.post(
        f"/shifts/{post.shift_id}/handovers",
        json={"notes": "夜里风大", "supplies": [{"item": "masks", "count": 30}]},
        token=tokens["on_duty"],
    ).json
    api.post(f"/handovers/{handover['id']}/ack", token=tokens["next"])
    organizer = browser(new_client, login, post.organizer)

    html = organizer.get(f"/org/tasks/{post.task_id}/handovers").get_data(as_text=True)

    assert "夜里风大" in html and "Masks" in html and "Read by: 赵接班" in html
    assert browser(new_client, login, post.outsider).get(f"/org/tasks/{post.task_id}/handovers").status_code == 403


def test_an_organizer_writes_a_handover_from_the_log(app, new_client, login, post):
    organizer = browser(new_client, login, post.organizer)
    url = f"/org/shifts/{post.shift_id}/handover"

    response = submit(organizer, url, {"notes": "组织者补录"})

    assert response.status_code == 303
    assert "组织者补录" in organizer.get(response.headers["Location"]).get_data(as_text=True)
    assert browser(new_client, login, post.reviewer).get(url).status_code == 403


def test_the_form_reads_well_in_chinese(app, login, post):
    phone = login(post.on_duty[0], app.test_client())
    phone.set_cookie("lang", "zh")

    html = phone.get(f"/me/shifts/{post.claims[0]}/handover").get_data(as_text=True)

    assert "保存交接记录" in html and "交接事项" in html
    english(phone)
