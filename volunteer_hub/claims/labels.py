"""Words for claim states, shared by the pages and the roster export."""

from flask_babel import lazy_gettext as _l

from volunteer_hub.claims.models import ClaimStatus

STATUS_LABELS: dict[str, str] = {
    ClaimStatus.CONFIRMED: _l("Confirmed"),
    ClaimStatus.PENDING: _l("Waiting for approval"),
    ClaimStatus.WAITLISTED: _l("On the waitlist"),
    ClaimStatus.LOTTERY: _l("Entered in the draw"),
    ClaimStatus.REJECTED: _l("Not accepted"),
    ClaimStatus.CANCELLED: _l("Cancelled"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


# What a volunteer can do when a rule refuses their claim, by the refusal's code: (words, endpoint, field on that
# page). Every refusal also offers the task list; the task's other shifts are on the same page.
REFUSAL_FIXES: dict[str, tuple[str, str, str | None]] = {
    "shift_overlap": (_l("See my shifts"), "claims.my_shifts", None),
    "birth_date_required": (_l("Add my date of birth"), "accounts.edit_profile", "birth_date"),
    "insurance_required": (_l("Add my insurance"), "accounts.edit_profile", "insurance_provider"),
    "insurance_expired": (_l("Update my insurance"), "accounts.edit_profile", "insurance_valid_until"),
    "qualification_required": (_l("Add the qualification"), "accounts.edit_profile", "qualifications"),
    "weekly_cap_exceeded": (_l("Change my weekly hours limit"), "accounts.edit_profile", "max_weekly_hours"),
}


def refusal_fix(code: str) -> tuple[str, str, str | None] | None:
    """(words, endpoint, field) of the step that lifts a refusal with this code, or None."""
    return REFUSAL_FIXES.get(code)
