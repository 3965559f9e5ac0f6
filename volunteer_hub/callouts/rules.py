"""What a call-out may ask, how big its waves are, how reliability weighs, and the one-tap answer links."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from volunteer_hub.claims import rules as claim_rules
from volunteer_hub.core.errors import Conflict, NotFound, ValidationError
from volunteer_hub.tasks.models import Shift

MESSAGE_MAX = 200  # read on a lock screen next to the link
WAVE_FACTOR = 3  # default wave: 3 × the places still needed
WAVE_MINUTES = 5
RELIABILITY_DAYS = 90
NO_SHOW_WEIGHT, CANCEL_WEIGHT = 0.5, 0.25
_SALT = "callout-answer"


def check_can_call(shift: Shift, needed: int) -> None:
    """A call-out is for a shift of an open task that has not ended and has places left, for at most those."""
    claim_rules.check_not_ended(shift)
    claim_rules.check_task_open(shift.task)
    if shift.lottery_until is not None and shift.lottery_drawn_at is None:
        raise Conflict(
            _l("Places on this shift are drawn by lottery; call for help after the draw."), code="lottery_open"
        )
    if shift.places_left <= 0:
        raise Conflict(_l("This shift has no free places."), code="shift_full")
    if not 1 <= needed <= shift.places_left:
        raise ValidationError(
            fields={"needed": _l("Ask for 1 to %(n)d people: the shift's free places.", n=shift.places_left)}
        )


def wave_size(callout) -> int:
    """How many to page in the next wave: the organizer's size, else 3 × the places still needed."""
    left = max(callout.needed - callout.filled, 0)
    return callout.wave_size or WAVE_FACTOR * left


def reliability(no_shows: int, cancellations: int) -> float:
    """A factor on the matching score: 1 for a clean record; each recent no-show and late cancellation lowers it."""
    return 1.0 / (1.0 + NO_SHOW_WEIGHT * no_shows + CANCEL_WEIGHT * cancellations)


def candidate_problem(user, shift: Shift) -> Conflict | None:
    """What the claim would refuse this volunteer for on shift (its own checks: overlap, insurance, qualification,
    night work of minors, rest after nights, 12 hours in 24, the weekly cap), or None. The health self-declaration
    is given with the answer, so it does not rule anyone out here."""
    try:
        claim_rules.check_no_overlap(user.id, shift)
        claim_rules.check_requirements(user, shift, health_declared=True)
        claim_rules.check_safety(user, shift, claim_rules.booked_around(user.id, shift))
    except Conflict as exc:
        return exc
    return None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def answer_token(callout_id: int, user_id: int) -> str:
    """The personal link's token: it alone names the call-out and the volunteer, signed and dated."""
    return _serializer().dumps([callout_id, user_id])


def read_token(token: str) -> tuple[int, int]:
    """(callout id, user id) of a genuine, unexpired token. Expired: 400 link_expired; forged or garbled: 404."""
    try:
        callout_id, user_id = _serializer().loads(token, max_age=current_app.config["CALLOUT_LINK_MAX_AGE_S"])
    except SignatureExpired:
        raise ValidationError(_l("This link has expired."), code="link_expired") from None
    except (BadSignature, ValueError, TypeError):
        raise NotFound(_l("No such call-out.")) from None
    return int(callout_id), int(user_id)


def still_needed(callout) -> int:
    return max(callout.needed - callout.filled, 0)
