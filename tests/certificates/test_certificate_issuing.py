"""Asking for a certificate: which service it counts, in whose name it is issued, what is frozen, what is refused."""

from datetime import date

import pytest
import sqlalchemy as sa
import time_machine

from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.certificates import services
from volunteer_hub.certificates.models import CODE_ALPHABET, Certificate
from volunteer_hub.core.errors import Conflict, ValidationError
from volunteer_hub.extensions import db
from volunteer_hub.outbox.models import OutboxEvent

TODAY = "2024-06-15 10:00 +08:00"


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_a_certificate_counts_only_the_period_and_names_each_recording_organisation(
    ctx, make_user, make_org, make_entry
):
    volunteer = make_user("李晓明")
    minzhi, baishilong = make_org("民治社区"), make_org("白石龙社区")
    make_entry(volunteer, minzhi, date(2023, 12, 31), 600)  # before the period
    make_entry(volunteer, minzhi, date(2024, 1, 1), 240)
    make_entry(volunteer, baishilong, date(2024, 3, 2), 90, activity="小区测温登记", task_type="temperature_check")
    make_entry(volunteer, minzhi, date(2024, 3, 31), 180)
    make_entry(volunteer, minzhi, date(2024, 4, 1), 300)  # after the period
    make_entry(make_user("别人"), minzhi, date(2024, 2, 1), 480)  # someone else's service

    certificate, created = services.request_certificate(volunteer, date(2024, 1, 1), date(2024, 3, 31), "zh")

    assert created and certificate.total_minutes == 240 + 90 + 180
    assert certificate.content["issuers"] == [
        {"org_id": minzhi.id, "name": "民治社区", "minutes": 420},
        {"org_id": baishilong.id, "name": "白石龙社区", "minutes": 90},
    ]
    assert [(s["date"], s["activity"], s["org"], s["minutes"]) for s in certificate.content["services"]] == [
        ("2024-01-01", "东门卡口值守", "民治社区", 240),
        ("2024-03-02", "小区测温登记", "白石龙社区", 90),
        ("2024-03-31", "东门卡口值守", "民治社区", 180),
    ]


def test_the_certificate_states_the_volunteer_number_period_and_issue_date_never_a_phone(
    ctx, make_user, make_org, make_entry
):
    volunteer = make_user("李晓明")
    make_entry(volunteer, make_org(), date(2024, 2, 3), 240)

    certificate, _ = services.request_certificate(volunteer, date(2024, 1, 1), date(2024, 6, 15), "zh")

    content = certificate.content
    assert content["volunteer"] == {"name": "李晓明", "no": volunteer.volunteer_no}
    assert content["period"] == {"from": "2024-01-01", "to": "2024-06-15"}
    assert content["issued_on"] == "2024-06-15"
    assert content["total_minutes"] == 240
    assert content["content"] == [{"task_type": "checkpoint", "minutes": 240}]
    assert volunteer.phone.removeprefix("+86") not in str(content)


def test_corrections_are_folded_into_the_entry_they_correct(ctx, make_user, make_org, make_entry):
    volunteer, org = make_user(), make_org()
    first = make_entry(volunteer, org, date(2024, 2, 3), 240)
    correction = make_entry(volunteer, org, date(2024, 2, 3), -60, corrects=first, reason="提前离岗")
    make_entry(volunteer, org, date(2024, 2, 3), 30, corrects=correction, reason="核实后补回半小时")
    taken_back = make_entry(volunteer, org, date(2024, 2, 10), 120)
    make_entry(volunteer, org, date(2024, 2, 10), -120, corrects=taken_back, reason="非志愿服务（办法第十九条）")
    make_entry(volunteer, org, date(2024, 2, 20), 180, reason="漏记补录")  # a missing record added later

    certificate, _ = services.request_certificate(volunteer, date(2024, 1, 1), date(2024, 6, 15), "zh")

    assert [(s["date"], s["minutes"], s["corrected"]) for s in certificate.content["services"]] == [
        ("2024-02-03", 210, True),
        ("2024-02-20", 180, False),
    ]
    assert certificate.total_minutes == 390


def test_without_a_period_the_certificate_covers_everything_up_to_today(ctx, make_user, make_org, make_entry):
    volunteer = make_user()
    make_entry(volunteer, make_org(), date(2021, 5, 4), 60)

    certificate, _ = services.request_certificate(volunteer, None, None, "zh")

    assert (certificate.period_from, certificate.period_to) == (date(2021, 5, 4), date(2024, 6, 15))


def test_without_a_period_a_record_dated_before_2000_stored_earlier_is_left_out(ctx, make_user, make_org, make_entry):
    """A correction dated 0001-01-01 was once accepted; the ledger keeps it, but "all my service" still works."""
    volunteer, org = make_user(), make_org()
    make_entry(volunteer, org, date(1, 1, 1), 60)
    make_entry(volunteer, org, date(2021, 5, 4), 90)

    certificate, _ = services.request_certificate(volunteer, None, None, "zh")

    assert (certificate.period_from, certificate.total_minutes) == (date(2021, 5, 4), 90)


def test_the_facts_are_frozen_when_the_certificate_is_issued(ctx, make_user, make_org, make_entry):
    volunteer, org = make_user(), make_org()
    entry = make_entry(volunteer, org, date(2024, 2, 3), 240)
    certificate, _ = services.request_certificate(volunteer, date(2024, 1, 1), date(2024, 6, 15), "zh")

    make_entry(volunteer, org, date(2024, 2, 3), -240, corrects=entry, reason="重复记录")

    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).total_minutes == 240


def test_a_repeated_request_returns_the_same_certificate_until_the_record_changes(ctx, make_user, make_org, make_entry):
    volunteer, org = make_user(), make_org()
    make_entry(volunteer, org, date(2024, 2, 3), 240)
    first, _ = services.request_certificate(volunteer, date(2024, 1, 1), date(2024, 6, 15), "zh")

    again, created = services.request_certificate(volunteer, date(2024, 1, 1), date(2024, 6, 15), "zh")
    assert (again.id, created) == (first.id, False)

    make_entry(volunteer, org, date(2024, 5, 1), 60)
    newer, created = services.request_certificate(volunteer, date(2024, 1, 1), date(2024, 6, 15), "zh")
    assert created and newer.id != first.id and newer.total_minutes == 300


def test_issuing_records_the_pdf_job_and_an_audit_event_with_an_unguessable_code(ctx, make_user, make_org, make_entry):
    volunteer = make_user()
    make_entry(volunteer, make_org(), date(2024, 2, 3), 240)

    certificate, _ = services.request_certificate(volunteer, date(2024, 1, 1), date(2024, 6, 15), "zh")

    assert certificate.status == "pending"
    assert len(certificate.code) == 12 and set(certificate.code) <= set(CODE_ALPHABET)
    events = db.session.execute(sa.select(OutboxEvent.job, OutboxEvent.payload)).all()
    assert [(e.job, e.payload) for e in events] == [
        ("volunteer_hub.certificates.jobs.render_certificate", {"certificate_id": certificate.id})
    ]
    audit = db.session.execute(sa.select(AuditEvent)).scalar_one()
    assert (audit.actor_id, audit.action, audit.subject_id) == (volunteer.id, "certificate.requested", certificate.id)


def test_a_period_without_hours_is_refused_as_no_hours(ctx, make_user, make_org, make_entry):
    volunteer = make_user()
    make_entry(volunteer, make_org(), date(2023, 2, 3), 240)

    with pytest.raises(Conflict) as refused:
        services.request_certificate(volunteer, date(2024, 1, 1), date(2024, 6, 15), "zh")

    assert refused.value.code == "no_hours"
    assert db.session.execute(sa.select(sa.func.count()).select_from(Certificate)).scalar_one() == 0


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (date(2024, 3, 1), date(2024, 2, 1), "from"),  # starts after it ends
        (date(2014, 1, 1), date(2024, 1, 1), "from"),  # more than ten years
        (date(2024, 6, 1), date(2024, 6, 16), "to"),  # ends tomorrow
    ],
)
def test_impossible_periods_are_refused_on_their_field(ctx, make_user, make_org, make_entry, start, end, field):
    volunteer = make_user()
    make_entry(volunteer, make_org(), date(2024, 2, 3), 240)

    with pytest.raises(ValidationError) as refused:
        services.request_certificate(volunteer, start, end, "zh")

    assert list(refused.value.fields) == [field]


def test_exactly_ten_years_is_accepted(ctx, make_user, make_org, make_entry):
    volunteer = make_user()
    make_entry(volunteer, make_org(), date(2020, 2, 3), 240)

    certificate, _ = services.request_certificate(volunteer, date(2014, 6, 16), date(2024, 6, 15), "zh")

    assert certificate.total_minutes == 240
