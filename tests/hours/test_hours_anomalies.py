"""Anomaly flags: found when hours are written, listed for reviewers, never blocking a confirmation, each
finding flagged once."""

from tests.hours.conftest import local


def confirm(api, token, claim_id, **body):
    return api.post(f"/claims/{claim_id}/confirm", json=body, token=token)


def listed(api, token, **query):
    response = api.get("/hours/anomalies", query_string=query, token=token, headers={"Accept-Language": "en"})
    return [(item["kind"], item["text"]) for item in response.json["items"]]


def test_overlapping_attendance_of_one_person_is_flagged(api, world, clock, make_shift, attend, volunteer, flags):
    morning = make_shift("2026-03-02", "08:00", hours=4)
    noon = make_shift("2026-03-02", "12:00", hours=4, title="测温登记")
    user, _ = volunteer()
    first = attend(morning, user, local("2026-03-02", "08:00"), local("2026-03-02", "12:40"))
    second = attend(noon, user, local("2026-03-02", "11:50"), local("2026-03-02", "16:00"))
    clock.move_to(local("2026-03-02", "17:00"))

    assert confirm(api, world.tokens["organizer"], first).status_code == 201
    assert confirm(api, world.tokens["organizer"], second).status_code == 201

    assert flags() == [("overlapping_attendance", f"overlap:{first}:{second}")]
    assert listed(api, world.tokens["reviewer"]) == [
        ("overlapping_attendance", "Also recorded at “测温登记” at the same time.")
    ]


def test_back_to_back_shifts_are_not_an_overlap(api, world, clock, make_shift, attend, volunteer, flags):
    morning = make_shift("2026-03-02", "08:00", hours=4)
    noon = make_shift("2026-03-02", "12:00", hours=4)
    user, _ = volunteer()
    first = attend(morning, user, local("2026-03-02", "08:00"), local("2026-03-02", "12:00"))
    second = attend(noon, user, local("2026-03-02", "12:00"), local("2026-03-02", "16:00"))
    clock.move_to(local("2026-03-02", "17:00"))

    confirm(api, world.tokens["organizer"], first)
    confirm(api, world.tokens["organizer"], second)

    assert flags() == []


def test_a_check_in_far_from_the_post_is_flagged(api, world, clock, make_shift, attend, volunteer, flags):
    shift = make_shift(checkin_radius_m=300)
    near = attend(shift, volunteer()[0], local("2026-03-02", "08:00"), local("2026-03-02", "12:00"), distance_m=230)
    far = attend(shift, volunteer()[0], local("2026-03-02", "08:00"), local("2026-03-02", "12:00"), distance_m=290)
    clock.move_to(local("2026-03-02", "13:00"))

    api.post(f"/shifts/{shift.id}/confirm-all", token=world.tokens["organizer"])

    assert flags() == [("far_check_in", f"far_check_in:claim:{far}")]
    assert near != far


def test_hours_longer_than_the_shift_are_flagged_but_recorded(
    api, world, clock, make_shift, attend, volunteer, flags, ledger
):
    shift = make_shift(hours=4)
    claim_id = attend(shift, volunteer()[0], marked=True)
    clock.move_to(local("2026-03-02", "13:00"))

    entry = confirm(api, world.tokens["organizer"], claim_id, minutes=300, reason="含交接班时间")

    assert entry.status_code == 201
    assert flags() == [("longer_than_shift", f"longer_than_shift:entry:{entry.json['id']}")]
    assert listed(api, world.tokens["reviewer"], kind="longer_than_shift") == [
        ("longer_than_shift", "5.00 hours counted for a shift of 4.00 hours.")
    ]


def test_many_check_ins_from_one_phone_within_minutes_are_flagged_once(
    api, world, clock, make_shift, attend, volunteer, flags
):
    shift = make_shift()
    phone = "a1b2c3"
    claims = [
        attend(shift, volunteer()[0], local("2026-03-02", f"07:5{i}"), local("2026-03-02", "12:00"), device=phone)
        for i in range(3)
    ]
    alone = attend(shift, volunteer()[0], local("2026-03-02", "07:52"), local("2026-03-02", "12:00"), device="zz")
    clock.move_to(local("2026-03-02", "13:00"))

    api.post(f"/shifts/{shift.id}/confirm-all", token=world.tokens["organizer"])

    assert flags() == [("device_burst", f"device_burst:{world.community.id}:{phone}:2026-03-02")]
    assert listed(api, world.tokens["organizer"]) == [
        ("device_burst", "3 volunteers checked in from one phone within 10 minutes.")
    ]
    assert alone not in claims


def test_check_ins_from_one_phone_spread_over_time_are_not_flagged(
    api, world, clock, make_shift, attend, volunteer, flags
):
    shift = make_shift()
    for clock_time in ("07:40", "07:51", "08:02"):
        attend(shift, volunteer()[0], local("2026-03-02", clock_time), local("2026-03-02", "12:00"), device="p")
    clock.move_to(local("2026-03-02", "13:00"))

    api.post(f"/shifts/{shift.id}/confirm-all", token=world.tokens["organizer"])

    assert flags() == []


def test_hours_confirmed_by_someone_later_recorded_on_the_shift_are_flagged(
    api, world, clock, make_shift, attend, volunteer, flags
):
    shift = make_shift()
    first = attend(shift, volunteer()[0], local("2026-03-02", "08:00"), local("2026-03-02", "09:00"))
    second = attend(shift, volunteer()[0], local("2026-03-02", "08:00"), local("2026-03-02", "12:00"))
    clock.move_to(local("2026-03-02", "09:30"))
    entry_id = confirm(api, world.tokens["organizer"], first).json["id"]
    attend(shift, world.organizer, local("2026-03-02", "09:40"), local("2026-03-02", "12:00"))
    clock.move_to(local("2026-03-02", "13:00"))

    confirm(api, world.tokens["street_organizer"], second)

    assert flags() == [("self_confirmed", f"self_confirmed:entry:{entry_id}")]
    assert listed(api, world.tokens["reviewer"]) == [
        ("self_confirmed", "organizer confirmed these hours and also served on the shift.")
    ]


def test_flags_are_scoped_to_the_readers_organisations(api, world, clock, make_shift, attend, volunteer):
    shift = make_shift(hours=4)
    claim_id = attend(shift, volunteer()[0], marked=True)
    clock.move_to(local("2026-03-02", "13:00"))
    confirm(api, world.tokens["organizer"], claim_id, minutes=300, reason="含交接班时间")

    assert listed(api, world.tokens["other_organizer"]) == []
    assert (
        api.get(
            "/hours/anomalies", query_string={"org_id": world.community.id}, token=world.tokens["other_organizer"]
        ).status_code
        == 403
    )
    assert len(listed(api, world.tokens["reviewer"], org_id=world.community.id)) == 1
