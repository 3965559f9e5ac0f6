"""The world the authorization matrix runs in, built through the real services at a frozen clock.

A city > district > street > community A (with a compound) and a sibling community B. People, one per role of the
matrix: volunteer V (home in A), team leader L (leads a team in A, holds no organisation role), organizer OA of A,
organizer OB of B, reviewer R of the street and an administrator. Task T in A has a past shift V served on (checked
in and out, hours confirmed into ledger entry E, which V disputes: D) and a future shift V holds a confirmed place
on (C_future). V has a notification N and a certificate CERT; R has an export X; the future shift has a live QR
check-in token.

Issue 5 adds: V and deputy D joined L's team with its invite code (L named D a deputy), and applicants P and
P2 asked to join it. A shift series S on T
(five mornings from 10 March) was adopted by L's team for its first three days, L claimed a place on S's first
shift for V, and V offers it for a swap (SW). V asked community A for help (H; another request, asked without an
account, has a follow-up token). A second task in A has a shift open for lottery sign-up, and A has a temporary
Party branch with members V and L, who accepted its organizer's invitations (P, a Party member too, is not in
it); V's invitation to a second branch waits for an answer.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from volunteer_hub.accounts.models import User
from volunteer_hub.attendance import services as attendance
from volunteer_hub.attendance import tokens as checkin_tokens
from volunteer_hub.callouts import rules as callout_rules
from volunteer_hub.callouts import services as callouts
from volunteer_hub.callouts.models import CalloutPage
from volunteer_hub.certificates import services as certificates
from volunteer_hub.claims import services as claims
from volunteer_hub.extensions import db
from volunteer_hub.help import services as help_requests
from volunteer_hub.hours import services as hours
from volunteer_hub.incidents import services as incidents
from volunteer_hub.lottery import services as lottery
from volunteer_hub.notifications.models import Notification, PushSubscription
from volunteer_hub.orgs import services as orgs
from volunteer_hub.orgs.models import Organisation, Role
from volunteer_hub.outreach import services as outreach
from volunteer_hub.posts.models import ReliefAlarm
from volunteer_hub.rotas import services as rotas
from volunteer_hub.stats.models import Export
from volunteer_hub.tasks import services as tasks
from volunteer_hub.teams import services as teams

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=SHANGHAI)  # a Wednesday morning in Shenzhen
POST = (22.5431, 114.0579)

# Least to most privileged: requests that change state run for the privileged roles last.
ROLES = (
    "anonymous",
    "volunteer",
    "team_deputy",
    "team_leader",
    "sibling_organizer",
    "street_reviewer",
    "organizer",
    "admin",
)
PARTY_MEMBERS = ("volunteer", "team_leader")


@dataclass
class World:
    """Ids of everything a route's URL, query or body may name, and the people of each role."""

    users: dict  # role -> User (detached); no entry for "anonymous"
    city: int
    street: int
    community: int
    compound: int
    sibling: int
    team: int
    task: int
    past_shift: int
    future_shift: int
    past_claim: int
    future_claim: int
    entry: int
    dispute: int
    notification: int
    certificate: int
    certificate_code: str
    export: int
    checkin_token: str
    team_invite_code: str
    member: int  # V's user id: member of L's team and of the Party branch
    applicant: int  # user id of P, whose request to join L's team waits
    applicant_phone: str
    second_applicant: int  # user id of P2, who asked to join too (one request for the deputy, one for L)
    deputy: int  # D's user id
    leader: int  # L's user id: the branch's second member
    series: int
    series_shift: int  # the first shift of the series, where V holds a team place
    adoption: int
    team_claim: int
    swap: int
    help_request: int
    help_token: str
    lottery_shift: int
    branch: int
    invitation: int  # V's invitation to a second branch, waiting for V's answer
    message: int  # the organizer's message to the future shift (V is on it)
    push_subscription: int  # V's browser, subscribed to Web Push
    callout: int  # the organizer's call-out for 1 more person on the future shift, paging
    callout_token: str  # the answer link's token of one volunteer it paged
    relief_alarm: int = 0  # the future shift's relief alarm (nobody of the past shift is still on the post)
    supply_item: int = 0  # issue 25: masks on T's supplies list (30, alert at 5)
    handover: int = 0  # issue 25: the organizer's handover of the past shift
    incident: int = 0  # issue 25: the organizer's report of V's injury on the past shift

    @property
    def volunteer(self) -> User:
        return self.users["volunteer"]


def _person(make_user, role: str, **fields) -> User:
    return make_user(f"matrix-{role}", lat=POST[0], lon=POST[1], **fields)


def build(app, make_user, traveller) -> World:
    """Build the world; ``traveller`` is the running time_machine traveller (left at NOW)."""
    users = {
        role: _person(make_user, role, is_admin=role == "admin", party_member=role in PARTY_MEMBERS)
        for role in ROLES
        if role != "anonymous"
    }
    applicant = _person(make_user, "applicant", party_member=True)
    second_applicant = _person(make_user, "second-applicant")
    with app.test_request_context():
        admin = db.session.get(User, users["admin"].id)

        def org(name, kind, parent):
            return orgs.create_org(admin, name=name, kind=kind, parent_id=parent, lat=POST[0], lon=POST[1]).id

        city = org("深圳市", "city", None)
        district = org("龙华区", "district", city)
        street = org("民治街道", "street", district)
        community, sibling = org("白石龙社区", "community", street), org("民泰社区", "community", street)
        compound = org("白石龙一区", "compound", community)
        for role, org_id, grant in (
            ("organizer", community, Role.ORGANIZER),
            ("sibling_organizer", sibling, Role.ORGANIZER),
            ("street_reviewer", street, Role.REVIEWER),
        ):
            orgs.grant_role(admin, org_id, users[role].id, grant)
        volunteer = db.session.get(User, users["volunteer"].id)
        volunteer.home_org_id = community
        db.session.commit()
        team_id = teams.found_team(
            db.session.get(User, users["team_leader"].id), name="白石龙青年突击队", org_id=community
        ).id
        organizer = db.session.get(User, users["organizer"].id)

        past_start = NOW - timedelta(days=2)
        traveller.move_to(past_start - timedelta(days=1))
        task = tasks.post_task(
            organizer,
            org_id=community,
            title="东门卡口值守",
            type="checkpoint",
            lat=POST[0],
            lon=POST[1],
            address="民治街道东门",
            shifts=[
                {"starts_at": past_start, "ends_at": past_start + timedelta(hours=4), "capacity": 5},
                {"starts_at": NOW + timedelta(days=1), "ends_at": NOW + timedelta(days=1, hours=4), "capacity": 5},
            ],
        )
        past_shift, future_shift = sorted(task.shifts, key=lambda s: s.starts_at)
        past_claim = claims.claim_shift(volunteer, past_shift)
        future_claim = claims.claim_shift(volunteer, future_shift)
        where = attendance.Position(POST[0], POST[1], 20.0)
        traveller.move_to(past_start + timedelta(minutes=5))
        attendance.check_in(volunteer, claims.get_claim(past_claim.id), where, device="matrix-phone")
        traveller.move_to(past_start + timedelta(hours=4, minutes=-5))
        attendance.check_out(volunteer, claims.get_claim(past_claim.id), where, device="matrix-phone")

        traveller.move_to(NOW)
        entry = hours.confirm_hours(organizer, claims.get_claim(past_claim.id))
        dispute = hours.open_dispute(volunteer, entry, "我签退晚了半小时，请更正。")
        certificate, _ = certificates.request_certificate(volunteer)
        note = db.session.query(Notification).filter_by(user_id=volunteer.id).order_by(Notification.id).first()
        extra = _issue5(
            admin,
            organizer,
            volunteer,
            team_id,
            task.id,
            community,
            (applicant, second_applicant),
            db.session.get(User, users["team_deputy"].id),
        )
        export = Export(
            user_id=users["street_reviewer"].id,
            org_id=street,
            kind="ledger",
            format="csv",
            params={},
            status="ready",
            progress=1,
            total=1,
            filename="hours.csv",
            content=b"a,b\n",
        )
        db.session.add(export)
        browser = PushSubscription(
            user_id=volunteer.id, endpoint="https://fcm.googleapis.com/fcm/send/matrix", p256dh="k", auth="a"
        )
        db.session.add(browser)
        db.session.commit()
        message = outreach.send_to_shift(organizer, future_shift, "明早请准时到岗。")
        callout, _ = callouts.start(organizer, future_shift, needed=1)
        paged = db.session.query(CalloutPage).filter_by(callout_id=callout.id).order_by(CalloutPage.id).first()
        incident = _incident(organizer, task, past_shift, volunteer)
        return World(
            users=users,
            city=city,
            street=street,
            community=community,
            compound=compound,
            sibling=sibling,
            team=team_id,
            task=task.id,
            past_shift=past_shift.id,
            future_shift=future_shift.id,
            past_claim=past_claim.id,
            future_claim=future_claim.id,
            entry=entry.id,
            dispute=dispute.id,
            notification=note.id,
            certificate=certificate.id,
            certificate_code=certificate.code,
            export=export.id,
            checkin_token=checkin_tokens.issue(future_shift.id).token,
            message=message.id,
            push_subscription=browser.id,
            callout=callout.id,
            callout_token=callout_rules.answer_token(callout.id, paged.user_id),
            relief_alarm=_relief_alarm(future_shift.id),
            incident=incident,
            **extra,
            **_issue25(organizer, task, past_shift),
        )


def _issue5(admin, organizer, volunteer, team_id, task_id, community, applicants, deputy) -> dict:
    """Teams, series, swaps, help requests, a lottery and a Party branch, through their services at NOW."""
    team = teams.get_team(team_id)
    leader = db.session.get(User, team.founder_id)
    for member in (volunteer, deputy):
        teams.join_by_code(member, team, team.invite_code)
    teams.set_role(leader, team, deputy.id, "deputy")
    for applicant in applicants:
        teams.request_to_join(db.session.get(User, applicant.id), team)
    applicant = applicants[0]
    series = rotas.create_series(
        organizer,
        task_id,
        from_date=date(2026, 3, 10),
        to_date=date(2026, 3, 14),
        daily=[{"start": "08:00", "end": "12:00", "capacity": 3}],
    )
    first_shift = rotas.series_shifts(series.id)[0]
    adoption = rotas.adopt_series(leader, team.id, series.id, from_date=date(2026, 3, 10), to_date=date(2026, 3, 12))
    [team_claim] = teams.team_claim(leader, team, first_shift, [volunteer.id])
    swap = rotas.offer_swap(volunteer, team_claim.id)
    need = {
        "type": "delivery",
        "description": "帮忙买菜送上楼。",
        "address": "白石龙一区3栋501",
        "needed_at": NOW + timedelta(days=1),
        "contact_phone": "13800138000",
        "community_id": community,
    }
    help_request, _ = help_requests.create_request(volunteer, **need)
    _, help_token = help_requests.create_request(None, **need | {"contact_name": "王阿姨"})
    drawn = tasks.post_task(
        organizer,
        org_id=community,
        title="核酸采样点引导",
        type="checkpoint",
        lat=POST[0],
        lon=POST[1],
        address="白石龙社区广场",
        shifts=[{"starts_at": NOW + timedelta(days=3), "ends_at": NOW + timedelta(days=3, hours=4), "capacity": 2}],
    )
    lottery_shift = drawn.shifts[0]
    lottery.open_lottery(organizer, lottery_shift, until=NOW + timedelta(days=2))
    branch = orgs.create_temporary_branch(organizer, community, name="白石龙临时党支部")
    for member in (volunteer, leader):
        orgs.invite_branch_member(organizer, db.session.get(Organisation, branch.id), member.phone)
        [invitation] = orgs.list_invitations(member)
        orgs.accept_invitation(member, invitation.id)
    second = orgs.create_temporary_branch(organizer, community, name="白石龙一区临时党支部")
    orgs.invite_branch_member(organizer, second, volunteer.phone)
    [invitation] = orgs.list_invitations(volunteer)
    return {
        "team_invite_code": team.invite_code,
        "member": volunteer.id,
        "applicant": applicant.id,
        "applicant_phone": applicant.phone,
        "second_applicant": applicants[1].id,
        "deputy": deputy.id,
        "leader": leader.id,
        "series": series.id,
        "series_shift": first_shift.id,
        "adoption": adoption.id,
        "team_claim": team_claim.id,
        "swap": swap.id,
        "help_request": help_request.id,
        "help_token": help_token,
        "lottery_shift": lottery_shift.id,
        "branch": branch.id,
        "invitation": invitation.id,
    }


def _issue25(organizer, task, past_shift) -> dict:
    """A post's supplies and its handover log (issue 25), through their services at NOW."""
    from volunteer_hub.handovers import services as handovers
    from volunteer_hub.supplies import services as supplies

    item = supplies.create_item(organizer, task, kind="masks", count=30, low_threshold=5)
    counted = [handovers.Count("masks", 30)]
    handover, _ = handovers.write(organizer, past_shift, notes="东门一切正常。", supplies_counted=counted)
    return {"supply_item": item.id, "handover": handover.id}


def _incident(organizer, task, past_shift, volunteer) -> int:
    """Issue 25: the organizer reports V's injury on the past shift (at NOW, so within the week)."""
    report = incidents.Report(
        category="injury",
        severity="severe",
        occurred_at=past_shift.starts_at + timedelta(hours=1),
        description="搬运物资时扭伤脚踝。",
        involved_user_ids=[volunteer.id],
        shift_id=past_shift.id,
    )
    incident, _ = incidents.report(organizer, tasks.get_task(task.id), report)
    return incident.id


def frozen_clock():
    """time_machine at NOW, not ticking."""
    return time_machine.travel(NOW, tick=False)


def _relief_alarm(shift_id: int) -> int:
    alarm = ReliefAlarm(shift_id=shift_id, missing=1)
    db.session.add(alarm)
    db.session.commit()
    return alarm.id
