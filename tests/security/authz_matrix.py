"""Who may use each route: one line per (endpoint, method) of app.url_map, naming the roles allowed through.

The rules: permissions hold for the subtree of the organisation a role was granted on (the sibling community's
organizer sees nothing of community A); personal routes ("my claim", "my certificate") are for their owner only -
administrators act through the management routes, never as the volunteer; reviewers read but never change;
administrators may use every management route. "Allowed" means authorization let the request through: any answer
below 500 other than 401, 403, 404 or a redirect to the login page (so 400, 409 and a flashed refusal count as
allowed - the world and the body decide those, not the role).

Adding a route: add one line ``("blueprint.endpoint", "METHOD"): rule(ALLOWED_SET, ...)``. URL parameters are
filled by name from DEFAULT_PARAMS (add a name there when a route brings a new kind of id), or per entry with
``params={"claim_id": "past_claim"}``, and for one role with ``role_params={"admin": {...}}`` (when an earlier
role's allowed request used up the object, e.g. removed the member); ``json=``/``form=``/``query=`` take a
dict or a function of the world; a POST to a page gets its CSRF token added. ``xfail="..."`` marks an entry
whose rule the app does not meet yet.
"""

from dataclasses import dataclass, field
from typing import Any

from tests.security.authz_world import ROLES

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
STAFF = frozenset({"sibling_organizer", "street_reviewer", "organizer", "admin"})  # any organisation role
ORGANIZERS = frozenset({"sibling_organizer", "organizer", "admin"})  # organizer somewhere
REVIEW_A = frozenset({"street_reviewer", "organizer", "admin"})  # read community A's subtree
MANAGE_A = frozenset({"organizer", "admin"})  # change community A's subtree
OWNER = frozenset({"volunteer"})  # the volunteer's own claim, record, notification, certificate
REQUESTER = frozenset({"street_reviewer"})  # the reviewer's own export
TEAM_LEAD = frozenset({"team_deputy", "team_leader"})  # runs L's team: its leader or a deputy
TEAM_LEADER = frozenset({"team_leader"})  # the leader alone: names deputies, hands the team over
TEAM = frozenset({"volunteer", "team_deputy", "team_leader"})  # active members of L's team
TEAM_VIEW = TEAM | REVIEW_A  # the team's page: its members and the staff reading community A

# URL parameter -> World attribute, unless an entry says otherwise.
DEFAULT_PARAMS = {
    "claim_id": "future_claim",
    "shift_id": "future_shift",
    "task_id": "task",
    "org_id": "community",
    "entry_id": "entry",
    "dispute_id": "dispute",
    "notification_id": "notification",
    "certificate_id": "certificate",
    "code": "certificate_code",
    "export_id": "export",
    "token": "checkin_token",
    "team_id": "team",
    "user_id": "member",
    "member_id": "member",
    "adoption_id": "adoption",
    "swap_id": "swap",
    "request_id": "help_request",
    "branch_id": "branch",
    "invitation_id": "invitation",
    "message_id": "message",
    "callout_id": "callout",
    "subscription_id": "push_subscription",
    "alarm_id": "relief_alarm",
    "item_id": "supply_item",
    "handover_id": "handover",
    "incident_id": "incident",
}


@dataclass(frozen=True)
class Rule:
    allowed: frozenset
    params: dict = field(default_factory=dict)
    role_params: dict = field(default_factory=dict)
    query: Any = None
    json: Any = None
    form: Any = None
    xfail: str | None = None


def rule(allowed, **request) -> Rule:
    return Rule(frozenset(allowed), **request)


def _phone(world, role="volunteer") -> str:
    return (world.applicant_phone if role == "applicant" else world.users[role].phone)[3:]


PASSWORD = "Volunteer2020"
SHIFT = {"starts_at": "2026-03-10T08:00:00+08:00", "ends_at": "2026-03-10T12:00:00+08:00", "capacity": 3}
WHERE = {"lat": 22.5431, "lon": 114.0579, "accuracy_m": 20}
PERIOD = {"period": "month", "on": "2026-03-04"}
SERIES = {"from_date": "2026-03-20", "to_date": "2026-03-22"}
HELP = {"type": "delivery", "description": "帮忙取药。", "address": "白石龙一区5栋302", "contact_phone": "13800138001"}
TEAM_CODE = {"code": "team_invite_code"}
APPLICANT = {"user_id": "applicant"}
# The deputy decides P's request first, so L decides P2's; the deputy removes V (an ordinary member), L the deputy.
SECOND_APPLICANT = {"team_leader": {"user_id": "second_applicant"}}
DEPUTY = {"team_leader": {"user_id": "deputy"}}
SECOND_MEMBER = {"admin": {"user_id": "leader"}}

INCIDENT = {
    "category": "conflict",
    "severity": "low",
    "occurred_at": "2026-03-04T09:30:00+08:00",
    "description": "有人不配合登记。",
}
INCIDENT_FORM = {**INCIDENT, "day": "2026-03-04", "at": "09:30", "client_id": "matrix"}

MATRIX: dict[tuple[str, str], Rule] = {
    # --- accounts and site pages ---
    ("accounts.change_password", "GET"): rule(SIGNED_IN),
    ("accounts.change_password", "POST"): rule(
        SIGNED_IN, form={"current_password": PASSWORD, "new_password": "Volunteer2021", "confirm": "Volunteer2021"}
    ),
    ("accounts.edit_profile", "GET"): rule(SIGNED_IN),
    ("accounts.edit_profile", "POST"): rule(SIGNED_IN, form={"name": "改名", "max_weekly_hours": "8"}),
    ("accounts.login", "GET"): rule(EVERYONE),
    ("accounts.login", "POST"): rule(EVERYONE, form=lambda w: {"phone": _phone(w), "password": PASSWORD}),
    ("accounts.logout", "POST"): rule(SIGNED_IN),
    ("accounts.me", "GET"): rule(SIGNED_IN),
    ("accounts.register", "GET"): rule(EVERYONE),
    ("accounts.register", "POST"): rule(EVERYONE, form={"phone": "13912345678", "name": "新人", "password": PASSWORD}),
    ("accounts.login_with_code", "GET"): rule(EVERYONE),
    ("accounts.login_with_code", "POST"): rule(EVERYONE, form=lambda w: {"phone": _phone(w), "code": "123456"}),
    ("accounts.reset_password", "GET"): rule(EVERYONE),
    ("accounts.reset_password", "POST"): rule(
        EVERYONE, form=lambda w: {"phone": _phone(w), "code": "123456", "password": "Lantern-river-42"}
    ),
    ("accounts.phone", "GET"): rule(SIGNED_IN),
    ("accounts.phone", "POST"): rule(SIGNED_IN, form={"phone": "13912345678", "code": "123456"}),
    # The development viewer (SMS_SENDER=dev only): what would have been sent, for whoever runs the machine.
    ("messaging.dev_messages", "GET"): rule(EVERYONE),
    ("messaging.dev_messages_json", "GET"): rule(EVERYONE),
    ("pages.healthz", "GET"): rule(EVERYONE),
    ("pages.home", "GET"): rule(EVERYONE),
    ("pages.set_language", "POST"): rule(EVERYONE, form={"lang": "en", "next": "/tasks"}),
    ("notifications.inbox", "GET"): rule(SIGNED_IN),
    ("notifications.read_all", "POST"): rule(SIGNED_IN),
    ("notifications.read_one", "POST"): rule(OWNER),
    ("notifications.ack", "POST"): rule(OWNER),
    # --- organizers' messages (the sender or anyone who could have sent it reads the counts) ---
    ("outreach.message_shift", "GET"): rule(MANAGE_A),
    ("outreach.message_shift", "POST"): rule(MANAGE_A, form={"text": "请准时到岗"}),
    ("outreach.message_task", "GET"): rule(MANAGE_A),
    ("outreach.message_task", "POST"): rule(MANAGE_A, form={"text": "请准时到岗"}),
    ("outreach.message_team", "GET"): rule(TEAM_LEAD),
    ("outreach.message_team", "POST"): rule(TEAM_LEAD, form={"text": "周六集合"}),
    ("outreach.message", "GET"): rule(MANAGE_A),
    ("api_outreach.message_shift", "POST"): rule(MANAGE_A, json={"text": "请准时到岗"}),
    ("api_outreach.message_task", "POST"): rule(MANAGE_A, json={"text": "请准时到岗"}),
    ("api_outreach.message_team", "POST"): rule(TEAM_LEAD, json={"text": "周六集合"}),
    ("api_outreach.get_message", "GET"): rule(MANAGE_A),
    ("api_me.acknowledge_notification", "POST"): rule(OWNER),
    # --- urgent call-outs: the task's organizers start and follow them; the answer link's token alone answers ---
    ("callouts.start", "GET"): rule(MANAGE_A),
    ("callouts.start", "POST"): rule(MANAGE_A, form={"needed": "1"}),
    ("callouts.show", "GET"): rule(MANAGE_A),
    ("callouts.cancel", "POST"): rule(MANAGE_A),
    ("callouts.answer", "GET"): rule(EVERYONE, params={"token": "callout_token"}),
    ("callouts.answer", "POST"): rule(EVERYONE, params={"token": "callout_token"}, form={"answer": "no"}),
    ("api_callouts.start_callout", "POST"): rule(MANAGE_A, json={"needed": 1}),
    ("api_callouts.get_callout", "GET"): rule(MANAGE_A),
    ("api_callouts.cancel_callout", "POST"): rule(MANAGE_A),
    ("api_callouts.answer_callout", "POST"): rule(EVERYONE, params={"token": "callout_token"}, json={"answer": "no"}),
    ("api_callouts.callout_stats", "GET"): rule(REVIEW_A),
    # Posts (issue 25): the live staffing boards, the automatic call-out switch, the outgoing shift's "I'll stay"
    # (nobody of the world's past shift is still on the post: tests/posts prove the volunteer who is gets through).
    ("posts.org_board", "GET"): rule(REVIEW_A),
    ("posts.task_board", "GET"): rule(REVIEW_A),
    ("posts.auto_callout", "POST"): rule(MANAGE_A, form={"on": "1"}),
    ("posts.stay", "GET"): rule(frozenset()),
    ("posts.stay", "POST"): rule(frozenset()),
    ("api_posts.org_board", "GET"): rule(REVIEW_A),
    ("api_posts.task_board", "GET"): rule(REVIEW_A),
    ("api_posts.stay", "POST"): rule(frozenset()),
    # Without a VAPID key (as here) subscribing answers 409: admitted, refused by the state, not the role.
    ("notifications.subscribe_push", "POST"): rule(SIGNED_IN),
    ("notifications.unsubscribe_push", "DELETE"): rule(OWNER),
    ("pages.manifest", "GET"): rule(EVERYONE),
    ("pages.service_worker", "GET"): rule(EVERYONE),
    ("notifications.channels", "GET"): rule(SIGNED_IN),
    ("notifications.channels", "POST"): rule(SIGNED_IN, form={"sms": "y", "email": "me@example.org"}),
    ("notifications.send_test", "POST"): rule(SIGNED_IN),
    # --- volunteers: tasks, claims, attendance ---
    ("tasks.index", "GET"): rule(EVERYONE),
    ("tasks.detail", "GET"): rule(EVERYONE),
    ("claims.confirm", "GET"): rule(SIGNED_IN),
    ("claims.claim", "POST"): rule(SIGNED_IN),
    ("claims.result", "GET"): rule(OWNER),
    ("claims.my_shifts", "GET"): rule(SIGNED_IN),
    ("claims.will_attend", "POST"): rule(OWNER),
    ("claims.cancel_confirm", "GET"): rule(OWNER),
    ("claims.cancel", "POST"): rule(OWNER),
    ("attendance.checkin", "GET"): rule(OWNER),
    ("attendance.checkin_post", "POST"): rule(OWNER, form=WHERE | {"action": "in"}),
    # Queued offline, sent by the page's script: without the check-in page's X-Offline-Token (bound to the user and
    # the claim) nobody gets through, the owner included (tests/attendance/test_offline_checkin.py sends it).
    ("attendance.checkin_offline", "POST"): rule(frozenset(), form=WHERE | {"action": "in"}),
    # Anyone signed in may open a scanned code; without a place on its shift the page says so (409).
    ("attendance.scan", "GET"): rule(SIGNED_IN),
    ("attendance.scan_post", "POST"): rule(SIGNED_IN, form={"action": "in"}),
    # --- volunteers: hours and certificates ---
    ("hours.my_hours", "GET"): rule(SIGNED_IN),
    ("hours.request_correction", "GET"): rule(OWNER),
    ("hours.request_correction", "POST"): rule(OWNER, form={"reason": "我多干了一小时。"}),
    ("hours.report_missing", "GET"): rule(OWNER, params={"claim_id": "past_claim"}),
    ("hours.report_missing", "POST"): rule(OWNER, params={"claim_id": "past_claim"}, form={"reason": "漏记了。"}),
    ("certificates.index", "GET"): rule(SIGNED_IN),
    ("certificates.index", "POST"): rule(SIGNED_IN, form={"period": "all", "locale": "zh"}),
    ("certificates.detail", "GET"): rule(OWNER),
    ("certificates.download", "GET"): rule(OWNER),
    ("certificates.lookup", "GET"): rule(EVERYONE, query=lambda w: {"code": w.certificate_code}),
    ("certificates.verify", "GET"): rule(EVERYONE),
    ("certificates.revoke", "GET"): rule(MANAGE_A),
    ("certificates.revoke", "POST"): rule(MANAGE_A, form={"reason": "记录有误，已更正后重开。"}),
    # --- organizers: tasks, rosters, attendance ---
    ("organizer.tasks", "GET"): rule(STAFF),
    # Organizers anywhere may post; the sibling's form offers only community B (posting for A answers 400).
    ("organizer.new_task", "GET"): rule(ORGANIZERS),
    ("organizer.new_task", "POST"): rule(ORGANIZERS, form=lambda w: {"org_id": w.community, "title": "西门值守"}),
    ("organizer.task", "GET"): rule(REVIEW_A),
    ("organizer.edit_task", "GET"): rule(MANAGE_A),
    ("organizer.edit_task", "POST"): rule(MANAGE_A, form={"title": "东门卡口值守（改）"}),
    ("organizer.cancel_confirm", "GET"): rule(MANAGE_A),
    ("organizer.cancel", "POST"): rule(MANAGE_A),
    ("claims.roster", "GET"): rule(REVIEW_A),
    ("claims.roster_export", "GET"): rule(REVIEW_A),
    ("claims.approve", "POST"): rule(MANAGE_A),
    ("claims.reject", "POST"): rule(MANAGE_A),
    ("attendance.code", "GET"): rule(MANAGE_A),
    ("attendance.mark", "POST"): rule(MANAGE_A, form=lambda w: {f"attendance-{w.future_claim}": "present"}),
    # --- organizers and reviewers: hours ---
    ("hours.organizer_hours", "GET"): rule(STAFF),
    ("hours.shift_hours", "GET"): rule(REVIEW_A, params={"shift_id": "past_shift"}),
    ("hours.confirm_all", "POST"): rule(MANAGE_A, params={"shift_id": "past_shift"}),
    ("hours.confirm", "POST"): rule(MANAGE_A, params={"claim_id": "past_claim"}),
    ("hours.correct", "POST"): rule(
        MANAGE_A,
        params={"claim_id": "past_claim"},
        form=lambda w: {f"k{w.past_claim}-hours": "4.5", f"k{w.past_claim}-reason": "签退晚了半小时。"},
    ),
    ("hours.requests", "GET"): rule(STAFF),
    ("hours.request_detail", "GET"): rule(REVIEW_A),
    ("hours.accept_request", "POST"): rule(MANAGE_A, form={"hours": "4.5", "response": "已更正。"}),
    ("hours.refuse_request", "POST"): rule(MANAGE_A, form={"response": "签退记录无误。"}),
    ("hours.anomalies", "GET"): rule(STAFF),
    # --- organisations ---
    ("orgs.index", "GET"): rule(STAFF),
    ("orgs.detail", "GET"): rule(MANAGE_A),
    ("orgs.create_child", "POST"): rule(MANAGE_A, form={"name": "白石龙二区", "kind": "compound"}),
    ("orgs.grant", "POST"): rule(MANAGE_A, form=lambda w: {"phone": _phone(w, "team_leader"), "role": "reviewer"}),
    ("orgs.english_name", "POST"): rule(MANAGE_A, form={"english_name": "Baishilong Community"}),
    # --- reviewers: statistics and exports ---
    ("stats.index", "GET"): rule(STAFF),
    ("stats.dashboard", "GET"): rule(REVIEW_A),
    ("stats.export", "POST"): rule(REVIEW_A, form=PERIOD | {"what": "org", "format": "csv"}),
    ("stats.exports", "GET"): rule(STAFF),
    ("stats.export_status", "GET"): rule(REQUESTER),
    ("stats.download", "GET"): rule(REQUESTER),
    # --- API: accounts and me ---
    ("api-docs.openapi_json", "GET"): rule(EVERYONE),
    ("api_auth.register", "POST"): rule(EVERYONE, json={"phone": "13912345678", "name": "新人", "password": PASSWORD}),
    ("api_auth.issue_token", "POST"): rule(EVERYONE, json=lambda w: {"phone": _phone(w), "password": PASSWORD}),
    ("api_auth.revoke_token", "DELETE"): rule(SIGNED_IN),
    ("api_auth.request_code", "POST"): rule(EVERYONE, json={"phone": "13912345678", "purpose": "register"}),
    ("api_auth.reset_password", "POST"): rule(
        EVERYONE, json=lambda w: {"phone": _phone(w), "code": "123456", "password": "Lantern-river-42"}
    ),
    ("api_me.change_phone", "POST"): rule(SIGNED_IN, json={"phone": "13912345678", "code": "123456"}),
    ("api_me.get_me", "GET"): rule(SIGNED_IN),
    ("api_me.patch_me", "PATCH"): rule(SIGNED_IN, json={"name": "改名", "max_weekly_hours": 8}),
    ("api_me.list_skills", "GET"): rule(EVERYONE),
    ("api_me.my_claims", "GET"): rule(SIGNED_IN),
    ("api_me.my_recommendations", "GET"): rule(SIGNED_IN),
    ("api_me.my_notifications", "GET"): rule(SIGNED_IN),
    ("api_me.read_notification", "POST"): rule(OWNER),
    ("api_push.subscribe", "POST"): rule(
        SIGNED_IN, json={"endpoint": "https://fcm.googleapis.com/fcm/send/x", "keys": {"p256dh": "k", "auth": "a"}}
    ),
    ("api_push.unsubscribe", "DELETE"): rule(OWNER),
    ("api_channels.get_channels", "GET"): rule(SIGNED_IN),
    ("api_channels.put_channels", "PUT"): rule(
        SIGNED_IN, json={"sms": True, "push": False, "email": None, "urgent_in_quiet_hours": False}
    ),
    ("api_channels.send_test", "POST"): rule(SIGNED_IN),
    ("api_channels.task_notices", "GET"): rule(MANAGE_A),
    # --- API: organisations and tasks ---
    ("api_orgs.create_org", "POST"): rule(
        MANAGE_A, json=lambda w: {"name": "白石龙二区", "kind": "compound", "parent_id": w.community}
    ),
    ("api_orgs.get_org", "GET"): rule(EVERYONE),
    ("api_orgs.update_org", "PATCH"): rule(MANAGE_A, json={"name_en": "Baishilong Community"}),
    ("api_orgs.grant_role", "POST"): rule(
        MANAGE_A, json=lambda w: {"phone": _phone(w, "team_leader"), "role": "reviewer"}
    ),
    ("api_tasks.list_nearby", "GET"): rule(EVERYONE, query={"lat": 22.5431, "lon": 114.0579}),
    ("api_tasks.get_task", "GET"): rule(EVERYONE),
    ("api_tasks.post_task", "POST"): rule(
        MANAGE_A,
        json=lambda w: {
            "org_id": w.community,
            "title": "西门值守",
            "type": "checkpoint",
            "lat": 22.5431,
            "lon": 114.0579,
            "shifts": [SHIFT],
        },
    ),
    ("api_tasks.patch_task", "PATCH"): rule(MANAGE_A, json={"title": "东门卡口值守（改）"}),
    ("api_tasks.cancel_task", "POST"): rule(MANAGE_A),
    # --- API: claims and attendance ---
    ("api_claims.claim_shift", "POST"): rule(SIGNED_IN),
    ("api_claims.cancel_claim", "DELETE"): rule(OWNER),
    ("api_claims.will_attend", "POST"): rule(OWNER),
    ("api_claims.approve_claim", "POST"): rule(MANAGE_A),
    ("api_claims.reject_claim", "POST"): rule(MANAGE_A),
    ("api_claims.roster", "GET"): rule(REVIEW_A),
    ("api_attendance.check_in", "POST"): rule(OWNER, json=WHERE),
    ("api_attendance.check_out", "POST"): rule(OWNER, json=WHERE),
    ("api_attendance.scan", "POST"): rule(SIGNED_IN, json=lambda w: {"token": w.checkin_token}),
    ("api_attendance.checkin_token", "POST"): rule(MANAGE_A),
    ("api_attendance.mark", "POST"): rule(MANAGE_A, json={"present": True}),
    # --- API: hours ---
    ("api_hours.my_hours", "GET"): rule(SIGNED_IN),
    ("api_hours.my_disputes", "GET"): rule(SIGNED_IN),
    ("api_hours.open_dispute", "POST"): rule(OWNER, json={"reason": "我多干了一小时。"}),
    ("api_hours.report_missing", "POST"): rule(OWNER, params={"claim_id": "past_claim"}, json={"reason": "漏记了。"}),
    ("api_hours.confirm", "POST"): rule(MANAGE_A, params={"claim_id": "past_claim"}, json={}),
    ("api_hours.confirm_all", "POST"): rule(MANAGE_A, params={"shift_id": "past_shift"}),
    ("api_hours.shift_hours", "GET"): rule(REVIEW_A, params={"shift_id": "past_shift"}),
    ("api_hours.correct", "POST"): rule(
        MANAGE_A,
        json=lambda w: {
            "volunteer_id": w.volunteer.id,
            "minutes": 30,
            "reason": "签退晚了半小时。",
            "entry_id": w.entry,
        },
    ),
    # Lists scoped to the caller's organisations: anyone signed in, an empty list without a role.
    ("api_hours.list_disputes", "GET"): rule(SIGNED_IN),
    ("api_hours.unconfirmed", "GET"): rule(SIGNED_IN),
    ("api_hours.accept_dispute", "POST"): rule(MANAGE_A, json={"total_minutes": 270, "response": "已更正。"}),
    ("api_hours.refuse_dispute", "POST"): rule(MANAGE_A, json={"response": "签退记录无误。"}),
    ("api_hours.overdue", "GET"): rule(REVIEW_A, query=lambda w: {"org_id": w.community}),
    ("api_hours.anomalies", "GET"): rule(REVIEW_A, query=lambda w: {"org_id": w.community}),
    # --- API: statistics and certificates ---
    ("api_stats.hours", "GET"): rule(
        REVIEW_A, query=lambda w: {"org_id": w.community, "from": "2026-03-01", "to": "2026-03-31"}
    ),
    ("api_certificates.my_certificates", "GET"): rule(SIGNED_IN),
    ("api_certificates.request_certificate", "POST"): rule(SIGNED_IN, json={}),
    ("api_certificates.certificate_pdf", "GET"): rule(OWNER),
    ("api_certificates.verify_certificate", "GET"): rule(EVERYONE),
    ("api_certificates.revoke_certificate", "POST"): rule(MANAGE_A, json={"reason": "记录有误，已更正后重开。"}),
    # --- teams (issue 5): leaders run them, members belong, everyone signed in may found one or ask to join ---
    ("teams.index", "GET"): rule(SIGNED_IN),
    ("teams.new", "GET"): rule(SIGNED_IN),
    ("teams.create", "POST"): rule(SIGNED_IN, form=lambda w: {"name": "民治东门先锋队", "org_id": w.community}),
    # Outsiders get the short summary with "Ask to join"; members, and staff of A, the whole page.
    ("teams.detail", "GET"): rule(SIGNED_IN),
    ("teams.request_join", "POST"): rule(SIGNED_IN),
    ("teams.approve", "POST"): rule(TEAM_LEAD, params=APPLICANT),
    ("teams.decline_request", "POST"): rule(TEAM_LEAD, params=APPLICANT, role_params=SECOND_APPLICANT),
    ("teams.remove", "POST"): rule(TEAM_LEAD, role_params=DEPUTY),
    ("teams.set_role", "POST"): rule(TEAM_LEADER, form={"role": "deputy"}),
    ("teams.leave_confirm", "GET"): rule(SIGNED_IN),
    # The leader is let through and told to hand the team over first (409); non-members are refused.
    ("teams.leave", "POST"): rule(TEAM),
    ("teams.invite_share", "GET"): rule(TEAM_LEAD),
    ("teams.invite", "GET"): rule(SIGNED_IN, params=TEAM_CODE),
    ("teams.join", "POST"): rule(SIGNED_IN, params=TEAM_CODE),
    ("teams.claim_for_team", "GET"): rule(TEAM_LEAD),
    ("teams.submit_team_claim", "POST"): rule(
        TEAM_LEAD, form=lambda w: {"team_id": w.team, "member_ids": w.users["team_leader"].id}
    ),
    ("teams.decline_confirm", "GET"): rule(OWNER, params={"claim_id": "team_claim"}),
    ("teams.decline", "POST"): rule(OWNER, params={"claim_id": "team_claim"}),
    ("api_teams.found_team", "POST"): rule(SIGNED_IN, json=lambda w: {"name": "民治东门先锋队", "org_id": w.community}),
    ("api_teams.my_teams", "GET"): rule(SIGNED_IN),
    ("api_teams.get_team", "GET"): rule(TEAM_VIEW),
    ("api_teams.join", "POST"): rule(SIGNED_IN, json=lambda w: {"code": w.team_invite_code}),
    ("api_teams.approve", "POST"): rule(TEAM_LEAD, params=APPLICANT),
    ("api_teams.decline_request", "POST"): rule(TEAM_LEAD, params=APPLICANT, role_params=SECOND_APPLICANT),
    ("api_teams.remove", "POST"): rule(TEAM_LEAD, role_params=DEPUTY),
    ("api_teams.set_role", "POST"): rule(TEAM_LEADER, json={"role": "deputy"}),
    ("api_teams.leave", "POST"): rule(TEAM),
    ("api_teams.team_claim", "POST"): rule(
        TEAM_LEAD, json=lambda w: {"team_id": w.team, "member_ids": [w.users["team_leader"].id]}
    ),
    ("api_teams.decline_team_claim", "POST"): rule(OWNER, params={"claim_id": "team_claim"}),
    # --- shift series and rotas: organizers of the task's subtree lay series; the team's leads adopt and publish ---
    ("rotas.new_series", "GET"): rule(MANAGE_A),
    ("rotas.new_series", "POST"): rule(
        MANAGE_A, form=SERIES | {"daily-0-start": "08:00", "daily-0-end": "12:00", "daily-0-capacity": "2"}
    ),
    ("api_rotas.create_series", "POST"): rule(
        MANAGE_A, json=SERIES | {"daily": [{"start": "08:00", "end": "12:00", "capacity": 2}]}
    ),
    ("rotas.rota_home", "GET"): rule(TEAM_LEAD),
    ("rotas.adopt", "POST"): rule(
        TEAM_LEAD, form=lambda w: {"series_id": w.series, "from_date": "2026-03-13", "to_date": "2026-03-14"}
    ),
    ("rotas.proposal", "GET"): rule(TEAM_LEAD),
    ("rotas.publish", "POST"): rule(TEAM_LEAD, form=lambda w: {f"p{w.series_shift}": w.users["team_leader"].id}),
    ("api_rotas.adopt_series", "POST"): rule(
        TEAM_LEAD, json=lambda w: {"series_id": w.series, "from_date": "2026-03-13", "to_date": "2026-03-14"}
    ),
    ("api_rotas.propose_rota", "POST"): rule(
        TEAM_LEAD, json=lambda w: {"task_id": w.task, "from_date": "2026-03-10", "to_date": "2026-03-12"}
    ),
    ("api_rotas.publish_rota", "POST"): rule(
        TEAM_LEAD,
        json=lambda w: {
            "task_id": w.task,
            "assignments": [{"shift_id": w.series_shift, "user_ids": [w.users["team_leader"].id]}],
        },
    ),
    # --- swaps: a member offers their own team place, another member takes it, only the offerer withdraws ---
    ("rotas.swaps", "GET"): rule(TEAM),
    ("rotas.offer", "POST"): rule(OWNER, params={"claim_id": "team_claim"}),
    # V is let through and told the offer is their own (409); D takes the place, L is told it is taken (409).
    ("rotas.accept", "POST"): rule(TEAM),
    ("rotas.cancel", "POST"): rule(OWNER),
    ("api_rotas.offer_swap", "POST"): rule(OWNER, params={"claim_id": "team_claim"}),
    ("api_rotas.accept_swap", "POST"): rule(TEAM),
    ("api_rotas.cancel_swap", "POST"): rule(OWNER),
    # --- lottery: organizers open and draw, reviewers see the draw ---
    ("lottery.shift_lottery", "GET"): rule(REVIEW_A, params={"shift_id": "lottery_shift"}),
    ("lottery.open_lottery", "POST"): rule(
        MANAGE_A, params={"shift_id": "lottery_shift"}, form={"day": "2026-03-06", "at": "20:00"}
    ),
    ("lottery.draw_now", "POST"): rule(MANAGE_A, params={"shift_id": "lottery_shift"}),
    ("api_lottery.get_lottery", "GET"): rule(REVIEW_A, params={"shift_id": "lottery_shift"}),
    ("api_lottery.open_lottery", "POST"): rule(
        MANAGE_A, params={"shift_id": "lottery_shift"}, json={"until": "2026-03-06T20:00:00+08:00"}
    ),
    # --- help requests: anyone may ask; the resident follows their own; organizers of the community decide ---
    ("help.ask", "GET"): rule(EVERYONE),
    ("help.ask", "POST"): rule(
        EVERYONE,
        form=lambda w: HELP | {"needed_at": "2026-03-05T15:00", "community_id": w.community, "contact_name": "王阿姨"},
    ),
    ("help.follow", "GET"): rule(EVERYONE, params={"token": "help_token"}),
    # Thanks before anyone came is refused with 409: the token, not the role, opens the page.
    ("help.thank_by_token", "POST"): rule(EVERYONE, params={"token": "help_token"}, form={"message": "谢谢！"}),
    ("help.mine", "GET"): rule(SIGNED_IN),
    ("help.mine_detail", "GET"): rule(OWNER),
    ("help.thank_mine", "POST"): rule(OWNER, form={"message": "谢谢！"}),
    ("help.inbox", "GET"): rule(STAFF),
    ("help.decide", "GET"): rule(MANAGE_A),
    ("help.accept", "POST"): rule(MANAGE_A),
    ("help.decline", "POST"): rule(MANAGE_A, form={"reason": "今天人手不足，已转给楼长。"}),
    ("api_help.create", "POST"): rule(
        SIGNED_IN, json=lambda w: HELP | {"needed_at": "2026-03-05T15:00:00+08:00", "community_id": w.community}
    ),
    ("api_help.list_requests", "GET"): rule(SIGNED_IN),
    ("api_help.get_request", "GET"): rule(OWNER | MANAGE_A),
    ("api_help.accept", "POST"): rule(MANAGE_A),
    ("api_help.decline", "POST"): rule(MANAGE_A, json={"reason": "今天人手不足，已转给楼长。"}),
    ("api_help.thank", "POST"): rule(OWNER, json={"message": "谢谢！"}),
    # --- temporary Party branches: organizers of the community they hang under ---
    ("orgs.branches", "GET"): rule(MANAGE_A),
    ("orgs.create_branch", "POST"): rule(MANAGE_A, form={"name": "东门卡口临时党支部"}),
    ("orgs.branch", "GET"): rule(MANAGE_A),
    ("orgs.add_member", "POST"): rule(MANAGE_A, form=lambda w: {"phone": _phone(w, "applicant")}),
    # The organizer removes V; the administrator, asked after, removes L.
    ("orgs.remove_member", "POST"): rule(MANAGE_A, role_params=SECOND_MEMBER),
    ("api_orgs.create_temporary_branch", "POST"): rule(MANAGE_A, json={"name": "东门卡口临时党支部"}),
    ("api_orgs.list_branch_members", "GET"): rule(MANAGE_A, params={"org_id": "branch"}),
    ("api_orgs.add_branch_member", "POST"): rule(
        MANAGE_A, params={"org_id": "branch"}, json=lambda w: {"phone": _phone(w, "applicant")}
    ),
    ("api_orgs.remove_branch_member", "DELETE"): rule(
        MANAGE_A, params={"org_id": "branch"}, role_params={"admin": {"member_id": "leader"}}
    ),
    # Invitations are answered by the holder of the invited number only (V): others are told "not found".
    ("orgs.invitations", "GET"): rule(SIGNED_IN),
    ("orgs.accept_invitation", "POST"): rule(OWNER),
    ("orgs.decline_invitation", "POST"): rule(OWNER),
    ("api_orgs.my_branch_invitations", "GET"): rule(SIGNED_IN),
    ("api_orgs.accept_branch_invitation", "POST"): rule(OWNER),
    ("api_orgs.decline_branch_invitation", "POST"): rule(OWNER),
    ("api_orgs.my_invitations", "GET"): rule(SIGNED_IN),
    ("api_orgs.accept_invitation", "POST"): rule(OWNER),
    ("api_orgs.decline_invitation", "POST"): rule(OWNER),
    # --- issue 25: a post's supplies (organizers write; the subtree's staff and volunteers on duty read - V is not
    # on duty at NOW) and its handover log (written by the shift's checked-in volunteers or an organizer: V holds
    # a place on the future shift, not checked in, so V's attempt is refused by the state - 409 - not the role) ---
    ("supplies.manage", "GET"): rule(REVIEW_A),
    ("supplies.add", "POST"): rule(MANAGE_A, form={"kind": "gloves", "count": "10"}),
    ("supplies.update", "POST"): rule(MANAGE_A, form={"count": "25", "low_threshold": "5"}),
    ("supplies.restock", "POST"): rule(MANAGE_A, form={"add": "10"}),
    ("supplies.issue", "POST"): rule(MANAGE_A, form=lambda w: {"user_id": str(w.member), "count": "1"}),
    ("api_supplies.list_supplies", "GET"): rule(REVIEW_A),
    ("api_supplies.add_supply", "POST"): rule(MANAGE_A, json={"kind": "gloves", "count": 10}),
    ("api_supplies.update_supply", "PATCH"): rule(MANAGE_A, json={"count": 25}),
    ("api_supplies.restock_supply", "POST"): rule(MANAGE_A, json={"add": 10}),
    ("api_supplies.issue_supply", "POST"): rule(MANAGE_A, json=lambda w: {"user_id": w.member, "count": 1}),
    ("api_supplies.list_movements", "GET"): rule(REVIEW_A),
    ("handovers.form", "GET"): rule(OWNER),
    ("handovers.form", "POST"): rule(OWNER, form={"notes": "交接"}),
    ("handovers.org_form", "GET"): rule(MANAGE_A),
    ("handovers.org_form", "POST"): rule(MANAGE_A, form={"notes": "交接"}),
    ("handovers.log", "GET"): rule(REVIEW_A),
    ("handovers.ack", "POST"): rule(MANAGE_A),
    ("api_handovers.write_handover", "POST"): rule(OWNER | MANAGE_A, json={"notes": "交接"}),
    ("api_handovers.list_handovers", "GET"): rule(REVIEW_A),
    ("api_handovers.ack_handover", "POST"): rule(MANAGE_A),
    # --- incidents (issue 25): on-duty volunteers and the task's organizers report (V is not on duty at NOW); the
    # reporter, organizers and reviewers of the subtree read; organizers handle and print the insurance packet ---
    ("incidents.report", "GET"): rule(MANAGE_A),
    ("incidents.report", "POST"): rule(MANAGE_A, form=lambda w: INCIDENT_FORM),
    ("incidents.show", "GET"): rule(REVIEW_A),
    ("incidents.acknowledge", "POST"): rule(MANAGE_A),
    ("incidents.add_update", "POST"): rule(MANAGE_A, form={"text": "已联系家属。"}),
    ("incidents.insurance_pdf", "GET"): rule(MANAGE_A),
    ("incidents.task_list", "GET"): rule(REVIEW_A),
    ("incidents.summary", "GET"): rule(REVIEW_A),
    ("api_incidents.report_incident", "POST"): rule(MANAGE_A, json=lambda w: INCIDENT),
    ("api_incidents.list_incidents", "GET"): rule(SIGNED_IN),  # everyone reads the reports they made
    ("api_incidents.get_incident", "GET"): rule(REVIEW_A),
    ("api_incidents.add_update", "POST"): rule(MANAGE_A, json={"text": "已联系家属。"}),
    ("api_incidents.acknowledge", "POST"): rule(MANAGE_A),
    ("api_incidents.insurance_pdf", "GET"): rule(MANAGE_A),
    ("api_incidents.incident_summary", "GET"): rule(REVIEW_A),
}
