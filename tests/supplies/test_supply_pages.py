"""The supplies page of a post with the Flask client: the organizer's list and forms, the readers' levels."""

from tests.conftest import csrf_token


def submit(test_client, url, data):
    return test_client.post(url, data={"csrf_token": csrf_token(test_client), **data})


def test_the_organizer_adds_restocks_and_hands_out(new_client, login, post):
    organizer = login(post.organizer, new_client())
    page = f"/org/tasks/{post.task_id}/supplies"

    added = submit(organizer, page, {"kind": "masks", "count": "30", "low_threshold": "10"})
    html = organizer.get(page).get_data(as_text=True)
    item_id = html.split(f'action="{page}/', 1)[1].split('"', 1)[0]
    restocked = submit(organizer, f"{page}/{item_id}/restock", {"add": "20"})
    handed = submit(organizer, f"{page}/{item_id}/issue", {"user_id": str(post.on_duty[0].id), "count": "45"})
    after = organizer.get(page).get_data(as_text=True)

    assert added.status_code == restocked.status_code == handed.status_code == 303
    assert "Item added." in html and '<p class="big-number">30</p>' in html
    assert '<p class="big-number">5</p>' in after and "Low: at or below 10" in after
    assert "handed to 张志愿" in after and "Handed out: 5 left." in after


def test_a_refused_change_says_why(new_client, login, post):
    organizer = login(post.organizer, new_client())
    page = f"/org/tasks/{post.task_id}/supplies"

    submit(organizer, page, {"kind": "other"})

    assert "Name the item." in organizer.get(page).get_data(as_text=True)


def test_control_characters_in_a_name_or_a_note_are_refused_and_nothing_is_saved(new_client, login, post):
    organizer = login(post.organizer, new_client())
    page = f"/org/tasks/{post.task_id}/supplies"

    submit(organizer, page, {"kind": "other", "name": "雨衣\x07", "count": "3"})
    refused_name = organizer.get(page).get_data(as_text=True)
    submit(organizer, page, {"kind": "masks", "count": "30"})
    item_id = organizer.get(page).get_data(as_text=True).split(f'action="{page}/', 1)[1].split('"', 1)[0]
    submit(organizer, f"{page}/{item_id}/restock", {"add": "20", "note": "补货\x1b[2J"})
    refused_note = organizer.get(page).get_data(as_text=True)

    assert "control characters" in refused_name and "雨衣" not in refused_name
    assert "control characters" in refused_note and '<p class="big-number">30</p>' in refused_note


def test_readers_see_levels_without_forms_and_others_are_refused(api, new_client, login, post, tokens):
    api.post(f"/tasks/{post.task_id}/supplies", json={"kind": "gloves", "count": 8}, token=tokens["organizer"])
    page = f"/org/tasks/{post.task_id}/supplies"

    on_duty = login(post.on_duty[0], new_client()).get(page)
    reviewer = login(post.reviewer, new_client()).get(page).get_data(as_text=True)
    outsider = login(post.outsider, new_client()).get(page)

    assert on_duty.status_code == 200 and "Gloves" in on_duty.get_data(as_text=True)
    assert "Restock" not in on_duty.get_data(as_text=True) and "Restock" not in reviewer
    assert outsider.status_code == 403
    denied = submit(login(post.reviewer, new_client()), page, {"kind": "masks"})
    assert denied.status_code == 403


def test_the_organizers_task_page_links_supplies_and_the_handover_log(new_client, login, post):
    html = login(post.organizer, new_client()).get(f"/org/tasks/{post.task_id}").get_data(as_text=True)

    assert f'href="/org/tasks/{post.task_id}/supplies"' in html
    assert f'href="/org/tasks/{post.task_id}/handovers"' in html
