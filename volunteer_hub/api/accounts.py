"""Registration, one-time codes, bearer tokens and password reset."""

from flask import request
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address

from volunteer_hub.accounts import services, tokens
from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.accounts.throttle import code_limits, login_limits, register_limits
from volunteer_hub.api.schemas import (
    CodeSentOut,
    PasswordResetIn,
    RegisterIn,
    TokenIn,
    TokenOut,
    UserOut,
    VerificationCodeIn,
)
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.errors import ValidationError

blp = Blueprint("api_auth", __name__, description="Registration, one-time codes, bearer tokens, password reset")


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
