"""Request and response shapes of API v1. They document the API (OpenAPI) and check types and ranges;
the services apply the business rules."""

from dataclasses import asdict

import marshmallow as ma
from marshmallow import fields

from volunteer_hub.accounts.passwords import MAX_LENGTH as PASSWORD_MAX
from volunteer_hub.accounts.services import MAX_NOTIFY_PER_DAY, MAX_WEEKLY_HOURS, NAME_MAX
from volunteer_hub.accounts.tokens import bearer_user
from volunteer_hub.catalogue import AVAILABILITY_CODES, QUALIFICATION_CODES, SKILL_CODES, TASK_TYPE_CODES
from volunteer_hub.core.schemas import Int, Lat, LocalDateTime, Lon, Schema, Text, in_range, length, one_of
from volunteer_hub.help import rules as help_rules
from volunteer_hub.orgs.models import OrgKind, Role
from volunteer_hub.orgs.services import NAME_MAX as ORG_NAME_MAX
from volunteer_hub.tasks import rules as task_rules
from volunteer_hub.tasks.geocoding import failure_message
from volunteer_hub.tasks.models import MAX_CAPACITY, MAX_SHIFTS_PER_TASK

# --- accounts ---


class RegisterIn(Schema):
    phone = fields.String(required=True, validate=length(32), metadata={"example": "13812345678"})
    password = fields.String(required=True, validate=length(PASSWORD_MAX), load_only=True)
    name = fields.String(required=True, validate=length(NAME_MAX, 1))
    locale = fields.String(validate=one_of(("zh", "en")))
    code = fields.String(
        allow_none=True,
        validate=length(16),
        metadata={"description": "The code sent by POST /auth/verification-codes (purpose register)."},
    )


class TokenIn(Schema):
    phone = fields.String(required=True, validate=length(32))
    password = fields.String(validate=length(PASSWORD_MAX), load_only=True)
    code = fields.String(
        validate=length(16),
        metadata={"description": "Instead of the password: a login code (POST /auth/verification-codes)."},
    )


class VerificationCodeIn(Schema):
    phone = fields.String(required=True, validate=length(32), metadata={"example": "13812345678"})
    purpose = fields.String(required=True, metadata={"example": "register"})


class CodeSentOut(Schema):
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds the code stays valid."})


class PasswordResetIn(Schema):
    phone = fields.String(required=True, validate=length(32))
    code = fields.String(allow_none=True, validate=length(16))
    password = fields.String(required=True, validate=length(PASSWORD_MAX), load_only=True)


class PhoneChangeIn(Schema):
    phone = fields.String(required=True, validate=length(32))
    code = fields.String(allow_none=True, validate=length(16))


class TokenOut(Schema):
    token = fields.String(required=True)
    user_id = fields.Integer(required=True)


class UserOut(Schema):
    id = fields.Integer(required=True)
    phone = fields.String(required=True)
    name = fields.String(required=True)


class RoleRef(Schema):
    org_id = fields.Integer(required=True)
    org_name = fields.String()
    role = fields.String(required=True)


class MeOut(UserOut):
    volunteer_no = fields.String()
    phone_verified_at = LocalDateTime(
        allow_none=True, metadata={"description": "When the number was proved by a code; null: not yet."}
    )
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    home_org_id = fields.Integer(allow_none=True)
    skills = fields.List(fields.String())
    availability = fields.List(fields.String())
    party_member = fields.Boolean()
    max_weekly_hours = fields.Integer()
    notify_max_per_day = fields.Integer()
    quiet_hours = fields.String(allow_none=True, metadata={"example": "22:00-07:00"})
    match_opt_out = fields.Boolean()
    locale = fields.String(allow_none=True)
    is_admin = fields.Boolean()
    roles = fields.List(fields.Nested(RoleRef))
    birth_date = fields.Date(allow_none=True, metadata={"description": "Night shifts are for adults only."})
    show_party_badge = fields.Boolean(metadata={"description": "亮身份: show the Party badge (Party members)."})
    insurance_provider = fields.String(allow_none=True)
    insurance_valid_until = fields.Date(allow_none=True)
    qualifications = fields.List(fields.Nested(lambda: QualificationItem()))


class QualificationItem(Schema):
    code = fields.String(required=True, validate=one_of(QUALIFICATION_CODES))
    issuer = fields.String(validate=length(100))
    valid_until = fields.Date(allow_none=True)


class MePatch(Schema):
    name = fields.String(validate=length(NAME_MAX, 1))
    lat = Lat(allow_none=True)
    lon = Lon(allow_none=True)
    home_org_id = Int(allow_none=True)
    skills = fields.List(fields.String(validate=one_of(SKILL_CODES)), validate=length(len(SKILL_CODES)))
    availability = fields.List(fields.String(validate=one_of(AVAILABILITY_CODES)), validate=length(4))
    party_member = fields.Boolean()
    max_weekly_hours = Int(validate=in_range(1, MAX_WEEKLY_HOURS))
    notify_max_per_day = Int(
        validate=in_range(0, MAX_NOTIFY_PER_DAY),
        metadata={"description": "Match notifications a day at most; the rest wait for the daily digest."},
    )
    quiet_hours = fields.String(
        allow_none=True,
        validate=length(20),
        metadata={
            "example": "22:00-07:00",
            "description": "Local HH:MM-HH:MM without match notifications; null for none.",
        },
    )
    match_opt_out = fields.Boolean(metadata={"description": "No match notifications or digests at all."})
    birth_date = fields.Date(allow_none=True)
    show_party_badge = fields.Boolean()
    insurance_provider = fields.String(allow_none=True, validate=length(100))
    insurance_valid_until = fields.Date(allow_none=True)
    qualifications = fields.List(
        fields.Nested(QualificationItem),
        validate=length(len(QUALIFICATION_CODES)),
        metadata={"description": "Replaces the list of qualifications held."},
    )
    locale = fields.String(validate=one_of(("zh", "en")))


class SkillOut(Schema):
    code = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "skill or language"})
    zh = fields.String(required=True)
    en = fields.String(required=True)


class SkillsOut(Schema):
    items = fields.List(fields.Nested(SkillOut), required=True)


# --- organisations ---


class OrgIn(Schema):
    name = fields.String(required=True, validate=length(ORG_NAME_MAX, 1))
    name_en = fields.String(
        load_default=None,
        allow_none=True,
        validate=length(ORG_NAME_MAX),
        metadata={"description": "An English name (optional), shown instead of name to readers of English."},
    )
    kind = fields.String(required=True, validate=one_of(set(OrgKind)))
    parent_id = Int(allow_none=True, load_default=None)
    lat = Lat(allow_none=True, load_default=None)
    lon = Lon(allow_none=True, load_default=None)
    temporary = fields.Boolean(load_default=False)


class OrgRef(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    name_en = fields.String(
        allow_none=True,
        metadata={"description": "The English name, or null; pages in English show it instead of name when given."},
    )


class OrgOut(OrgRef):
    kind = fields.String(required=True)
    parent_id = fields.Integer(allow_none=True)
    temporary = fields.Boolean()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)


class RoleIn(Schema):
    phone = fields.String(
        load_default=None, metadata={"description": "The mobile number to invite.", "example": "13812345678"}
    )
    user_id = Int(
        load_default=None, metadata={"description": "Instead of phone: the account to invite (by its number)."}
    )
    role = fields.String(required=True, validate=one_of(set(Role)))


# --- tasks and shifts ---


class ShiftIn(Schema):
    starts_at = LocalDateTime(required=True, metadata={"example": "2020-02-03T20:00:00+08:00"})
    ends_at = LocalDateTime(required=True, metadata={"example": "2020-02-04T08:00:00+08:00"})
    capacity = Int(required=True, validate=in_range(1, MAX_CAPACITY))


class ShiftPatch(Schema):
    id = Int(metadata={"description": "An existing shift to change; leave out to add a new shift."})
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    capacity = Int(validate=in_range(1, MAX_CAPACITY))


class ShiftOut(Schema):
    id = fields.Integer(required=True)
    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(required=True)
    capacity = fields.Integer(required=True)
    confirmed = fields.Integer(required=True)
    places_left = fields.Integer()


class _TaskFields(Schema):
    title = fields.String(validate=length(task_rules.TITLE_MAX, 1))
    description = Text(validate=length(task_rules.DESCRIPTION_MAX))
    type = fields.String(validate=one_of(TASK_TYPE_CODES))
    lat = Lat()
    lon = Lon()
    address = fields.String(validate=length(task_rules.ADDRESS_MAX))
    required_skills = fields.List(fields.String(validate=one_of(SKILL_CODES)), validate=length(len(SKILL_CODES)))
    requires_approval = fields.Boolean()
    match_radius_km = fields.Float(
        validate=in_range(*task_rules.MATCH_RADIUS_KM),
        allow_nan=False,
        metadata={
            "description": "Volunteers living within this distance who fit the task are told about it (default 5)."
        },
    )
    urgent = fields.Boolean(metadata={"description": "Match notifications ignore quiet hours and daily budgets."})
    release_unconfirmed = fields.Boolean(
        metadata={"description": "Places of volunteers who do not confirm the evening before go to the waitlist."}
    )
    requires_insurance = fields.Boolean(metadata={"description": "Volunteers need valid accident insurance."})
    requires_qualification = fields.String(allow_none=True, validate=one_of(QUALIFICATION_CODES))
    requires_health_declaration = fields.Boolean()


class TaskIn(_TaskFields):
    org_id = Int(required=True)
    title = fields.String(required=True, validate=length(task_rules.TITLE_MAX, 1))
    type = fields.String(required=True, validate=one_of(TASK_TYPE_CODES))
    lat = Lat(metadata={"description": "WGS-84. Leave lat and lon out to have the address geocoded."})
    lon = Lon()
    shifts = fields.List(fields.Nested(ShiftIn), required=True, validate=length(MAX_SHIFTS_PER_TASK, 1))
    client_token = fields.String(
        validate=length(64, 1),
        metadata={
            "description": "Optional idempotency key: repeating a request with the same key returns the first task."
        },
    )


class TaskPatch(_TaskFields):
    shifts = fields.List(fields.Nested(ShiftPatch), validate=length(MAX_SHIFTS_PER_TASK))


class ContactOut(Schema):
    name = fields.String(required=True)
    phone = fields.String(required=True)
    address = fields.String(required=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)


class CallerContact(fields.Nested):
    """The resident's contact of the task's help request, as help.rules lets the bearer of the request see it."""

    def __init__(self, **kwargs):
        super().__init__(ContactOut, allow_none=True, dump_only=True, **kwargs)

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        contact = help_rules.task_contact(bearer_user(), obj)
        return asdict(contact) if contact else None


class TaskOut(Schema):
    id = fields.Integer(required=True)
    org_id = fields.Integer(required=True)
    org = fields.Nested(OrgRef, required=True)
    title = fields.String(required=True)
    description = fields.String()
    type = fields.String(required=True)
    lat = fields.Float(required=True, allow_none=True)
    lon = fields.Float(required=True, allow_none=True)
    address = fields.String()
    required_skills = fields.List(fields.String())
    requires_approval = fields.Boolean()
    status = fields.String(
        required=True, attribute="display_status", metadata={"description": "open, cancelled or completed"}
    )
    geocode_status = fields.String(
        metadata={"description": "ok, pending (the address is being looked up; not listed nearby yet) or failed"}
    )
    geocode_error = fields.String(allow_none=True, metadata={"description": "not_found or unavailable"})
    geocode_message = fields.Method("_geocode_message", allow_none=True)
    match_radius_km = fields.Float()
    urgent = fields.Boolean()
    release_unconfirmed = fields.Boolean()
    requires_insurance = fields.Boolean()
    requires_qualification = fields.String(allow_none=True)
    requires_health_declaration = fields.Boolean()
    created_at = LocalDateTime()
    shifts = fields.List(fields.Nested(ShiftOut), required=True)
    contact = CallerContact(
        metadata={
            "description": "A task made from a resident's request for help: the resident's name, phone, exact address "
            "and location, for the task's organizers and its confirmed volunteers while the task runs "
            "(as on the task page); null otherwise."
        }
    )

    def _geocode_message(self, task):
        return failure_message(task.geocode_error) if task.geocode_status == "failed" else None


class NearbyQuery(Schema):
    lat = Lat(metadata={"description": "Defaults to the caller's saved location."})
    lon = Lon()
    radius_km = fields.Float(validate=in_range(0.1, 50), allow_nan=False)
    type = fields.String(validate=one_of(TASK_TYPE_CODES))
    skill = fields.String(validate=one_of(SKILL_CODES))
    date = fields.Date(metadata={"description": "Only tasks with a shift starting on this local date."})
    cursor = fields.String(validate=length(200))
    limit = fields.Integer(validate=in_range(1, 50))  # query strings are text: not strict


class NearbyItem(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    type = fields.String(required=True)
    distance_km = fields.Float(required=True)
    address = fields.String()
    org = fields.Nested(OrgRef, required=True)
    requires_approval = fields.Boolean()
    required_skills = fields.List(fields.String())
    shifts = fields.List(fields.Nested(ShiftOut), required=True)


class NearbyOut(Schema):
    items = fields.List(fields.Nested(NearbyItem), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class ReasonOut(Schema):
    kind = fields.String(required=True, metadata={"description": "distance, skill, language or availability"})
    code = fields.String(metadata={"description": "The skill, language or availability band."})
    km = fields.Float(metadata={"description": "For kind distance."})
    text = fields.String(required=True)


class RecommendationOut(Schema):
    task_id = fields.Integer(required=True)
    title = fields.String(required=True)
    distance_km = fields.Float(required=True)
    reasons = fields.List(fields.Nested(ReasonOut), required=True)


class RecommendationsOut(Schema):
    items = fields.List(fields.Nested(RecommendationOut), required=True)
    hint = fields.String(metadata={"description": "Why the list is empty, when the caller has no saved location."})


# --- claims ---


class ClaimOut(Schema):
    id = fields.Integer(required=True)
    status = fields.String(
        required=True,
        metadata={"description": "pending, confirmed, waitlisted, lottery (in a draw), rejected or cancelled"},
    )
    shift_id = fields.Integer()
    user_id = fields.Integer(metadata={"description": "The volunteer holding the place (team claims name several)."})
    waitlist_position = fields.Integer(allow_none=True)
    created_at = LocalDateTime()
    attendance_confirmed_at = LocalDateTime(
        allow_none=True, metadata={"description": "When the volunteer confirmed they will come (the day-before check)."}
    )
    organizer_reason = fields.String(
        allow_none=True,
        metadata={
            "description": "What the organizer told the volunteer when rejecting the claim or cancelling the task."
        },
    )


class OrganizerReasonIn(Schema):
    reason = Text(
        load_default=None,
        allow_none=True,
        metadata={"description": "Optional, at most 500 characters: why (the volunteers are told, in the app)."},
    )


class TaskRef(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    type = fields.String()
    address = fields.String()
    org = fields.Nested(OrgRef)


class MyClaimOut(ClaimOut):
    shift = fields.Nested(ShiftOut, required=True)
    task = fields.Nested(TaskRef, required=True)


class MyClaimsOut(Schema):
    items = fields.List(fields.Nested(MyClaimOut), required=True)


class RosterEntry(Schema):
    claim_id = fields.Integer(required=True)
    status = fields.String(required=True)
    user_id = fields.Integer(required=True)
    name = fields.String(required=True)
    phone = fields.String(
        required=True,
        metadata={
            "description": "Full number for organizers of the task's organisation; masked (138****1234) otherwise."
        },
    )
    party_member = fields.Boolean()
    skills = fields.List(fields.String())
    created_at = LocalDateTime()


class RosterOut(Schema):
    shift = fields.Nested(ShiftOut, required=True)
    task = fields.Nested(TaskRef, required=True)
    items = fields.List(fields.Nested(RosterEntry), required=True)


# --- notifications ---


class NotificationOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    task_id = fields.Integer(allow_none=True)
    text = fields.String(required=True)
    created_at = LocalDateTime(required=True)
    read_at = LocalDateTime(allow_none=True)
    acked_at = LocalDateTime(allow_none=True)


class NotificationsOut(Schema):
    items = fields.List(fields.Nested(NotificationOut), required=True)
    unread = fields.Integer(required=True)


# --- channels beside the inbox, and what organizers' actions told people ---


class ChannelsIn(Schema):
    sms = fields.Boolean(required=True)
    push = fields.Boolean(required=True)
    email = fields.String(required=True, allow_none=True, metadata={"description": "null or empty: no e-mail"})
    urgent_in_quiet_hours = fields.Boolean(required=True)


class ChannelsOut(Schema):
    sms = fields.Boolean(required=True)
    push = fields.Boolean(required=True)
    email = fields.String(required=True, allow_none=True)
    urgent_in_quiet_hours = fields.Boolean(required=True)
    phone_verified = fields.Boolean(required=True, metadata={"description": "SMS goes only to a verified number"})
    push_devices = fields.Integer(required=True)
    available = fields.Dict(
        keys=fields.String(), values=fields.Boolean(), metadata={"description": "channels this deployment has"}
    )


class ChannelTestOut(Schema):
    notification_id = fields.Integer(required=True)


class NoticeOut(Schema):
    cause = fields.String(required=True)
    kind = fields.String(required=True)
    actor_id = fields.Integer(required=True)
    created_at = LocalDateTime(required=True)
    recipients = fields.Integer(required=True)
    channels = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Integer()),
        metadata={"description": "{channel: {status: count}}; inbox: {sent, read}"},
    )
    reached = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "per channel: sent or delivered"}
    )
    waiting = fields.Integer(required=True)
    failed = fields.Integer(required=True)


class NoticesOut(Schema):
    items = fields.List(fields.Nested(NoticeOut), required=True)
