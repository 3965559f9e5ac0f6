"""A staffed shift and the fixtures of the jobs and teams tests that messages need."""

from datetime import timedelta

import pytest

from tests.jobs.conftest import work  # noqa: F401  (a fixture: a real RQ worker in burst mode)
from tests.teams.conftest import make_team  # noqa: F401  (a fixture: a team with a leader, deputies and members)


@pytest.fixture
def staffed(api, make_org, make_user, make_task, grant, api_token):
    """A shift for 2 with two confirmed volunteers and one on the waitlist, and its community's organizer."""
    org = make_org()
    organizer = make_user("王书记")
    grant(organizer, org)
    task = make_task(org, shifts=[(timedelta(hours=20), 4, 2), (timedelta(days=2), 4, 5)])
    shift_id = task.shifts[0].id
    people = [make_user(name, quiet_start_min=None, quiet_end_min=None) for name in ("甲", "乙", "丙")]
    tokens = [api_token(person) for person in people]
    statuses = [api.post(f"/shifts/{shift_id}/claims", token=t).json["status"] for t in tokens]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    return {
        "org": org,
        "task": task,
        "shift_id": shift_id,
        "organizer": api_token(organizer),
        "people": people,
        "tokens": tokens,
    }
