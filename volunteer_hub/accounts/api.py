"""Registration, one-time codes, bearer tokens and password reset (api_auth); the caller's profile and the skills
catalogue (api_me). Domains above accounts add their own /me routes to api_me (claims: /me/claims, matching:
/me/recommendations, notifications: /me/notifications), so the blueprint, its tag and endpoint names stay one."""

from flask import request
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from marshmallow import fields

from volunteer_hub.accounts import services, tokens
from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.accounts.passwords import MAX_LENGTH as PASSWORD_MAX
from volunteer_hub.accounts.services import MAX_NOTIFY_PER_DAY, MAX_WEEKLY_HOURS, NAME_MAX
from volunteer_hub.accounts.throttle import code_limits, login_limits, register_limits
from volunteer_hub.catalogue import AVAILABILITY_CODES, QUALIFICATION_CODES, SKILL_CODES, SKILLS
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.errors import ValidationError
from volunteer_hub.core.schemas import Int, Lat, LocalDateTime, Lon, Schema, in_range, length, one_of

blp = Blueprint("api_auth", __name__, description="Registration, one-time codes, bearer tokens, password reset")
me_blp = Blueprint("api_me", __name__, description="The caller's profile, claims and notifications")


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


@blp.post("/auth/verification-codes")
@blp.arguments(VerificationCodeIn)
@blp.response(202, CodeSentOut)
@blp.errors(400, 429)
def request_code(data):
    """Send a 6-digit code by SMS (purpose register, reset, login or change_phone), valid 5 minutes and 5 tries.

    The answer is the same whether or not the number has an account; reset and login codes reach only registered
    numbers. Limited per number (SMS_CODE_LIMIT_PER_NUMBER) and per IP (SMS_CODE_LIMIT_PER_IP): 429 with Retry-After.
    """
    locale = request.accept_languages.best_match(("zh", "en"))
    seconds = services.request_code(data["phone"], data["purpose"], client_ip=get_remote_address(), locale=locale)
    return {"expires_in": seconds}


@blp.post("/auth/register")
@blp.arguments(RegisterIn)
@blp.response(201, UserOut)
@blp.errors(400, 409, 429)
@register_limits
def register(data):
    """Create a volunteer account with a mainland mobile number and the register code sent to it (a missing, wrong
    or expired code: 400 invalid_code with `code` in `fields`)."""
    return services.register(
        data["phone"], data["name"], data["password"], code=data.get("code"), locale=data.get("locale")
    )


@blp.post("/auth/token")
@blp.arguments(TokenIn)
@blp.response(200, TokenOut)
@blp.errors(400, 401, 429)
@login_limits
def issue_token(data):
    """Exchange phone and password, or phone and a login code, for a bearer token (valid 30 days). A wrong code is
    400 invalid_code; code logins are not blocked by the password throttle."""
    if data.get("code") and not data.get("password"):
        user = services.authenticate_by_code(data["phone"], data["code"])
    elif data.get("password") is None:
        raise ValidationError(fields={"password": _l("This field is required.")})
    else:
        user = services.authenticate(data["phone"], data["password"])
    return {"token": services.start_session(user, tokens.API), "user_id": user.id}


@blp.delete("/auth/token")
@blp.response(204)
@blp.errors(401)
@auth_required
def revoke_token(user):
    """Log this token out."""
    services.end_session(user.login_token)


@blp.post("/auth/password-reset")
@blp.arguments(PasswordResetIn)
@blp.response(200)
@blp.errors(400, 429)
@code_limits
def reset_password(data):
    """Set a new password with the reset code sent to the account's number; every session and token of the account
    ends. A wrong or expired code (or a number without an account): 400 invalid_code."""
    services.reset_password(data["phone"], data.get("code"), data["password"])
    return {}


def me_out(user) -> dict:
    data = {name: getattr(user, name) for name in MeOut().fields if hasattr(user, name)}
    data["roles"] = services.roles_of(user)
    data["qualifications"] = [
        {"code": row.code, "issuer": row.issuer, "valid_until": row.valid_until}
        for row in services.list_qualifications(user)
    ]
    return data


@me_blp.get("/me")
@me_blp.response(200, MeOut)
@me_blp.errors(401)
@auth_required
def get_me(user):
    """My profile."""
    return me_out(user)


@me_blp.patch("/me")
@me_blp.arguments(MePatch)
@me_blp.response(200, MeOut)
@me_blp.errors(400, 401)
@auth_required
def patch_me(data, user):
    """Change my profile: any subset of the fields."""
    return me_out(services.update_profile(user, **data))


@me_blp.get("/skills")
@me_blp.response(200, SkillsOut)
def list_skills():
    """The skills and languages catalogue with Chinese and English names."""
    return {"items": [{"code": e.code, "kind": e.kind, "zh": e.zh, "en": e.en} for e in SKILLS]}


@me_blp.post("/me/phone")
@me_blp.arguments(PhoneChangeIn)
@me_blp.response(200, MeOut)
@me_blp.errors(400, 401, 409)
@auth_required
def change_phone(data, user):
    """Change my number to one proved by its change_phone code (POST /auth/verification-codes to the new number);
    my own number with its code confirms it. A wrong code: 400 invalid_code; a number of another account: 409."""
    return me_out(services.change_phone(user, data["phone"], data.get("code")))
