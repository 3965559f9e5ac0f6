"""Words for claim states, shared by the pages and the roster export."""

from flask_babel import lazy_gettext as _l

from volunteer_hub.claims.models import ClaimStatus

STATUS_LABELS = {
    ClaimStatus.CONFIRMED: _l("Confirmed"),
    ClaimStatus.PENDING: _l("Waiting for approval"),
    ClaimStatus.WAITLISTED: _l("On the waitlist"),
    ClaimStatus.LOTTERY: _l("Entered in the draw"),
    ClaimStatus.REJECTED: _l("Not accepted"),
    ClaimStatus.CANCELLED: _l("Cancelled"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))
