"""Organizers message the people of a shift, a task or a team; recipients acknowledge with one tap; the sender sees
who has it (per channel) and who has not acknowledged."""

from volunteer_hub.extensions import db
from volunteer_hub.messaging.models import DevMessage


def test_an_organizer_messages_the_confirmed_volunteers_who_get_it_in_the_app_and_by_sms(app, api, staffed, work):
    sent = api.post(
        f"/shifts/{staffed['shift_id']}/messages",
        json={"text": "明早 7 点东门集合，带好口罩。"},
        token=staffed["organizer"],
    )
    work()

    assert sent.status_code == 201 and sent.json["recipients"] == 2
    inbox = api.get("/me/notifications", token=staffed["tokens"][0]).json["items"]
    assert inbox[0]["kind"] == "organizer_message" and "明早 7 点东门集合" in inbox[0]["text"]
    assert api.get("/me/notifications", token=staffed["tokens"][2]).json["items"] == []  # waitlisted: not asked
    with app.app_context():
        texts = {m.to: m.text for m in db.session.query(DevMessage)}
    first, second = staffed["people"][0], staffed["people"][1]
    assert set(texts) == {first.phone, second.phone}
    assert second.phone[3:] not in texts[first.phone]  # nobody sees another recipient's number
    summary = api.get(f"/messages/{sent.json['id']}", token=staffed["organizer"]).json
    assert summary["recipients"] == 2 and summary["delivered"]["inbox"] == 2 and summary["delivered"]["sms"] == 2
    assert summary["acknowledged"] == 0
    assert sorted(p["name"] for p in summary["pending"]) == ["乙", "甲"]


def test_acknowledging_takes_a_recipient_off_the_pending_list(api, staffed):
    sent = api.post(
        f"/shifts/{staffed['shift_id']}/messages",
        json={"text": "请回复收到", "include_waitlisted": True},
        token=staffed["organizer"],
    ).json
    note = api.get("/me/notifications", token=staffed["tokens"][2]).json["items"][0]

    acked = api.post(f"/me/notifications/{note['id']}/ack", token=staffed["tokens"][2])
    again = api.post(f"/me/notifications/{note['id']}/ack", token=staffed["tokens"][2])
    someone_elses = api.post(f"/me/notifications/{note['id']}/ack", token=staffed["tokens"][0])

    assert sent["recipients"] == 3
    assert acked.status_code == 200 and acked.json["acked_at"] and acked.json["read_at"]
    assert again.json["acked_at"] == acked.json["acked_at"]
    assert someone_elses.status_code == 404
    summary = api.get(f"/messages/{sent['id']}", token=staffed["organizer"]).json
    assert summary["acknowledged"] == 1
    assert sorted(p["name"] for p in summary["pending"]) == ["乙", "甲"]


def test_a_task_message_reaches_each_volunteer_of_its_live_shifts_once(api, staffed):
    later = staffed["task"].shifts[1].id
    assert api.post(f"/shifts/{later}/claims", token=staffed["tokens"][0]).status_code == 201

    sent = api.post(
        f"/tasks/{staffed['task'].id}/messages", json={"text": "任务地点改到西门"}, token=staffed["organizer"]
    )

    assert sent.status_code == 201 and sent.json["recipients"] == 2


def test_only_organizers_of_the_task_subtree_send_and_read_messages(
    api, staffed, make_org, make_user, grant, api_token
):
    elsewhere = make_user("别处书记")
    grant(elsewhere, make_org("民泰社区"))
    outsider, volunteer = api_token(elsewhere), staffed["tokens"][0]
    path = f"/shifts/{staffed['shift_id']}/messages"

    assert api.post(path, json={"text": "hi"}, token=volunteer).status_code == 403
    assert api.post(path, json={"text": "hi"}, token=outsider).status_code == 403
    assert api.post(path, json={"text": "hi"}).status_code == 401
    assert api.post("/shifts/999999/messages", json={"text": "hi"}, token=staffed["organizer"]).status_code == 404
    sent = api.post(path, json={"text": "hi"}, token=staffed["organizer"]).json
    assert api.get(f"/messages/{sent['id']}", token=outsider).status_code == 404
    assert api.get(f"/messages/{sent['id']}", token=volunteer).status_code == 404


def test_bad_messages_are_refused_with_field_errors(api, staffed, make_task):
    path = f"/shifts/{staffed['shift_id']}/messages"
    empty = api.post(path, json={"text": "   "}, token=staffed["organizer"])
    long = api.post(path, json={"text": "字" * 301}, token=staffed["organizer"])
    nobody_task = make_task(staffed["org"])

    nobody = api.post(
        f"/shifts/{nobody_task.shifts[0].id}/messages", json={"text": "有人吗"}, token=staffed["organizer"]
    )

    assert empty.status_code == 400 and "text" in empty.json["error"]["fields"]
    assert long.status_code == 400 and "text" in long.json["error"]["fields"]
    assert nobody.status_code == 409 and nobody.json["error"]["code"] == "no_recipients"


def test_messages_to_one_shift_are_rate_limited(app, api, staffed, monkeypatch):
    monkeypatch.setitem(app.config, "ORGANIZER_MESSAGE_LIMIT_PER_TARGET", "2/hour")
    path = f"/shifts/{staffed['shift_id']}/messages"

    answers = [api.post(path, json={"text": f"第{i}条"}, token=staffed["organizer"]).status_code for i in range(3)]
    refused = api.post(path, json={"text": "   "}, token=staffed["organizer"])  # a refused one never counted

    assert answers == [201, 201, 429]
    assert refused.status_code == 429


def test_a_team_leader_messages_the_members_and_a_member_cannot(api, make_team, api_token):
    team = make_team(deputies=1, members=2)

    sent = api.post(f"/teams/{team.id}/messages", json={"text": "周六集合"}, token=api_token(team.leader))
    by_member = api.post(f"/teams/{team.id}/messages", json={"text": "周六集合"}, token=api_token(team.members[0]))

    assert sent.status_code == 201 and sent.json["recipients"] == 3
    assert by_member.status_code == 403
    note = api.get("/me/notifications", token=api_token(team.members[1])).json["items"][0]
    assert "周六集合" in note["text"] and "东门先锋队" in note["text"]
