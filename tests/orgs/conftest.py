"""Orgs fixtures: a street with two sibling communities and their organizers, Party members and a volunteer."""

from types import SimpleNamespace

import pytest


@pytest.fixture
def site(make_org, make_user, grant, api_token):
    """民治街道 > 白石龙社区 (organizer 王书记) and 民泰社区 (organizer 李书记); 党员老张 and 党员阿芳 are Party
    members, 小红 is not."""
    street = make_org("民治街道", "street")
    community = make_org("白石龙社区", "community", street)
    sibling = make_org("民泰社区", "community", street)
    organizer, sibling_organizer = make_user("王书记"), make_user("李书记")
    grant(organizer, community)
    grant(sibling_organizer, sibling)
    people = SimpleNamespace(
        zhang=make_user("党员老张", phone="+8615912340001", party_member=True),
        fang=make_user("党员阿芳", phone="+8615912340002", party_member=True),
        hong=make_user("小红", phone="+8615912340003"),
    )
    return SimpleNamespace(
        street=street,
        community=community,
        sibling=sibling,
        organizer=organizer,
        sibling_organizer=sibling_organizer,
        people=people,
        tokens=SimpleNamespace(
            organizer=api_token(organizer), sibling=api_token(sibling_organizer), volunteer=api_token(people.hong)
        ),
    )
