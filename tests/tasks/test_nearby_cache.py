"""The nearby list's per-process tile cache: the same answers as the database, as fresh as NEARBY_CACHE_SECONDS.

The suite reads the database every time (NEARBY_CACHE_SECONDS = 0); these tests install a cache with a clock
they move by hand.
"""

import random
from datetime import timedelta

import pytest
import time_machine

from volunteer_hub.core.timeutil import now
from volunteer_hub.tasks import nearby
from volunteer_hub.tasks.nearby import TileCache

CORNER = (22.60, 114.05)  # a corner of four tiles (multiples of TILE_DEGREES)


class Clock:
    def __init__(self):
        self.seconds = 0.0

    def __call__(self):
        return self.seconds


@pytest.fixture
def clock(app):
    """A 60-second tile cache on the app, driven by a clock the test advances."""
    clock = Clock()
    uncached = app.extensions["nearby_tiles"]
    app.extensions["nearby_tiles"] = TileCache(60, timer=clock)
    yield clock
    app.extensions["nearby_tiles"] = uncached


def ids(api, **query):
    return [
        item["id"]
        for item in api.get("/tasks", query_string={"lat": CORNER[0], "lon": CORNER[1]} | query).json["items"]
    ]


def test_cached_answers_equal_the_databases_across_tile_edges_and_pages(app, make_task, make_org):
    rng = random.Random(7)
    org = make_org()
    for _ in range(40):
        make_task(
            org,
            lat=CORNER[0] + rng.uniform(-0.08, 0.08),
            lon=CORNER[1] + rng.uniform(-0.08, 0.08),
            type=rng.choice(["checkpoint", "delivery"]),
            skills=rng.choice([(), ("english",)]),
            shifts=[(timedelta(days=rng.randint(1, 3)), 4, rng.randint(1, 5))],
        )
    cached = TileCache(60)

    def pages(tiles, lat, lon, radius, **criteria):
        app.extensions["nearby_tiles"] = tiles
        seen, cursor = [], None
        while True:
            items, cursor = nearby.nearby_tasks(lat, lon, radius, cursor=cursor, limit=4, **criteria)
            seen += [(item.task.id, item.distance_km, [s.id for s in item.upcoming]) for item in items]
            if not cursor:
                return seen

    uncached = app.extensions["nearby_tiles"]
    try:
        with app.test_request_context():
            for _ in range(30):
                point = (CORNER[0] + rng.uniform(-0.06, 0.06), CORNER[1] + rng.uniform(-0.06, 0.06))
                radius = rng.choice([0.5, 2, 5, 8])
                criteria = rng.choice([{}, {"task_type": "delivery"}, {"skill": "english"}])
                expected = pages(uncached, *point, radius, **criteria)
                assert pages(cached, *point, radius, **criteria) == expected
                assert [km for _, km, _ in expected] == sorted(km for _, km, _ in expected)
    finally:
        app.extensions["nearby_tiles"] = uncached


def test_a_new_task_and_new_places_show_once_the_tiles_expire(api, clock, make_task, make_user, api_token):
    first = make_task(lat=CORNER[0] + 0.001, lon=CORNER[1] + 0.001)
    assert ids(api) == [first.id]

    second = make_task(lat=CORNER[0] - 0.001, lon=CORNER[1] - 0.001)
    api.post(f"/shifts/{first.shifts[0].id}/claims", json={}, token=api_token(make_user()))
    assert ids(api) == [first.id]  # read from the cache: neither change yet

    clock.seconds += 61
    items = api.get("/tasks", query_string={"lat": CORNER[0], "lon": CORNER[1]}).json["items"]
    assert sorted(item["id"] for item in items) == sorted([first.id, second.id])
    assert next(i for i in items if i["id"] == first.id)["shifts"][0]["confirmed"] == 1


def test_a_shift_that_starts_leaves_the_list_even_from_the_cache(api, clock, make_task):
    soon = make_task(lat=CORNER[0] + 0.001, lon=CORNER[1], shifts=[(timedelta(hours=1), 4, 5)])
    later = make_task(
        lat=CORNER[0] + 0.002, lon=CORNER[1], shifts=[(timedelta(hours=1), 4, 5), (timedelta(days=1), 4, 5)]
    )
    assert ids(api) == [soon.id, later.id]

    with time_machine.travel(now() + timedelta(hours=2)):
        items = api.get("/tasks", query_string={"lat": CORNER[0], "lon": CORNER[1]}).json["items"]

    assert [item["id"] for item in items] == [later.id]
    assert [shift["id"] for shift in items[0]["shifts"]] == [later.shifts[1].id]


def test_a_box_too_wide_to_cache_is_answered_from_the_database(api, clock, make_task):
    # Near the pole a 50 km radius spans every longitude: thousands of tiles, read in one query instead.
    polar = make_task(lat=89.99, lon=-100.0)

    response = api.get("/tasks", query_string={"lat": 89.99, "lon": 10.0, "radius_km": 50})

    assert response.status_code == 200
    assert [item["id"] for item in response.json["items"]] == [polar.id]
