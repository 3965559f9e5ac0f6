"""Reviewers' counts: open and closed incidents per community of their subtree, by category and by severity;
a compound's post counts in its community; nobody else reads them."""

from datetime import timedelta

import pytest

from tests.attendance.helpers import at
from volunteer_hub.core.timeutil import now


@pytest.fixture
def street(make_org, make_user, make_task, grant, api_token, api):
    """A street with communities 白石龙 (a compound under it) and 民泰; incidents on posts of both."""
    street = make_org("民治街道", kind="street")
    baishilong = make_org("白石龙社区", parent=street)
    compound = make_org("白石龙一区", kind="compound", parent=baishilong)
    mintai = make_org("民泰社区", parent=street)
    empty = make_org("上塘社区", parent=street)
    organizer, reviewer = make_user("街道书记"), make_user("街道审核员")
    grant(organizer, street)
    grant(reviewer, street, "reviewer")
    token = api_token(organizer)
    shift = ((timedelta(hours=-1), 4, 5),)
    gate, square, market = (make_task(org, shifts=shift) for org in (baishilong, compound, mintai))
    moment = now()

    def report(task, category, severity):
        response = api.post(
            f"/tasks/{task.id}/incidents",
            json={
                "category": category,
                "severity": severity,
                "occurred_at": moment.isoformat(),
                "description": "情况说明",
            },
            token=token,
        )
        assert response.status_code == 201, response.json
        return response.json["id"]

    with at(moment):
        report(gate, "injury", "severe")
        closed = report(square, "conflict", "low")
        report(market, "equipment", "medium")
        api.post(f"/incidents/{closed}/updates", json={"text": "已调解", "close": True}, token=token)
    return {
        "street": street,
        "orgs": (baishilong, mintai, empty),
        "reviewer": api_token(reviewer),
        "volunteer": api_token(make_user("李晓明")),
        "community_organizer": api_token(_organizer_of(make_user, grant, mintai)),
    }


def _organizer_of(make_user, grant, org):
    user = make_user("民泰书记")
    grant(user, org)
    return user


def test_a_reviewer_sees_open_and_closed_per_community_by_category_and_severity(api, street):
    response = api.get(f"/orgs/{street['street'].id}/incidents/summary", token=street["reviewer"])

    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json["communities"]}
    assert set(rows) == {"白石龙社区", "民泰社区", "上塘社区"}
    assert (rows["白石龙社区"]["open"], rows["白石龙社区"]["closed"]) == (1, 1)  # the compound's post counts here
    assert rows["白石龙社区"]["by_category"] == {
        "injury": {"open": 1, "closed": 0},
        "conflict": {"open": 0, "closed": 1},
    }
    assert rows["白石龙社区"]["by_severity"]["severe"] == {"open": 1, "closed": 0}
    assert rows["民泰社区"]["by_category"] == {"equipment": {"open": 1, "closed": 0}}
    assert (rows["上塘社区"]["open"], rows["上塘社区"]["closed"]) == (0, 0)


def test_a_community_organizer_sees_their_own_community_only(api, street):
    _, mintai, _ = street["orgs"]

    own = api.get(f"/orgs/{mintai.id}/incidents/summary", token=street["community_organizer"])
    above = api.get(f"/orgs/{street['street'].id}/incidents/summary", token=street["community_organizer"])

    assert [row["name"] for row in own.json["communities"]] == ["民泰社区"]
    assert above.status_code == 403


def test_a_volunteer_reads_no_counts(api, street):
    response = api.get(f"/orgs/{street['street'].id}/incidents/summary", token=street["volunteer"])

    assert response.status_code == 403
