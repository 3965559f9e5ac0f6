"""Registration and bearer tokens."""

from volunteer_hub.accounts import services, tokens
from volunteer_hub.accounts.throttle import login_limits, register_limits
from volunteer_hub.api.common import Blueprint, auth_required
from volunteer_hub.api.schemas import RegisterIn, TokenIn, TokenOut, UserOut

blp = Blueprint("api_auth", __name__, description="Registration and bearer tokens")


@blp.post("/auth/register")
@blp.arguments(RegisterIn)
@blp.response(201, UserOut)
@blp.errors(400, 409, 429)
@register_limits
def register(data):
    """Create a volunteer account with a mainland mobile number."""
    return services.register(data["phone"], data["name"], data["password"], locale=data.get("locale"))


@blp.post("/auth/token")
@blp.arguments(TokenIn)
@blp.response(200, TokenOut)
@blp.errors(400, 401, 429)
@login_limits
def issue_token(data):
    """Exchange phone and password for a bearer token (valid 30 days)."""
    user = services.authenticate(data["phone"], data["password"])
    return {"token": services.start_session(user, tokens.API), "user_id": user.id}


@blp.delete("/auth/token")
@blp.response(204)
@blp.errors(401)
@auth_required
def revoke_token(user):
    """Log this token out."""
    services.end_session(user.login_token)
