"""Which outside channels a notification takes, and when: the person's choices, a verified number, quiet hours.

Normal notifications wait for the end of the reader's quiet hours; urgent ones break them only for people who
opted in to urgent calls at night (``urgent_in_quiet_hours``). The in-app inbox always has every notification.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from volunteer_hub.accounts import quiet_hours
from volunteer_hub.core.errors import ValidationError
from volunteer_hub.core.formatting import parse_iso
from volunteer_hub.core.timeutil import to_local

CHANNELS = ("sms", "push", "email")


@dataclass(frozen=True)
class Plan:
    """A delivery's first state: queued (``not_before`` None = now) or suppressed with a reason."""

    status: str
    reason: str | None = None
    not_before: datetime | None = None


def plan(channel: str, user, *, urgent: bool, emailed: bool, has_push: bool, at: datetime) -> Plan:
    """How ``channel`` should carry a notification to ``user`` created ``at`` (UTC)."""
    if not user.active:
        return Plan("suppressed", "inactive")
    if channel == "sms" and not user.sms_enabled:
        return Plan("suppressed", "opted_out")
    if channel == "sms" and user.phone_verified_at is None:
        return Plan("suppressed", "unverified")  # the number may be someone else's
    if channel == "push" and not (user.push_enabled and has_push):
        return Plan("suppressed", "opted_out" if not user.push_enabled else "no_subscription")
    if channel == "email" and not (emailed and user.email):
        return Plan("suppressed", "no_email" if emailed else "not_for_email")
    if channel == "email":
        return Plan("queued")  # e-mail waits in the mailbox: quiet hours do not apply
    wait_until = quiet_end(user.quiet_start_min, user.quiet_end_min, at)
    if wait_until is None or (urgent and user.urgent_in_quiet_hours):
        return Plan("queued")
    return Plan("queued", "quiet_hours", wait_until)


def quiet_end(start: int | None, end: int | None, at: datetime) -> datetime | None:
    """When the quiet window that ``at`` falls in ends (UTC), or None when ``at`` is outside it."""
    local = to_local(at)
    minute = local.hour * 60 + local.minute
    if end is None or not quiet_hours.contains(start, end, minute):  # no window without an end
        return None
    ends = local.replace(hour=end // 60, minute=end % 60, second=0, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return ends.astimezone(at.tzinfo)


def expired(params: dict, at: datetime) -> bool:
    """A notification about a shift that has begun is no use once it is released from quiet hours."""
    starts = parse_iso(params.get("starts_at"))
    if starts is not None and starts.tzinfo is None:
        starts = starts.replace(tzinfo=at.tzinfo)
    return starts is not None and starts <= at


# An e-mail address as SMTP servers take it without the SMTPUTF8 extension (RFC 5321 dot-atom local part, a
# domain of letters, digits and hyphens with an alphabetic or punycode top level). Deliberately strict: a typo
# caught here is an organizer who would otherwise never hear about their exports.
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = re.compile(rf"(?P<local>{_LOCAL})@(?P<domain>(?:{_LABEL}\.)+(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9-]{{1,59}}))")
EMAIL_MAX = 254


def check_email(value: str | None) -> str | None:
    """An e-mail address to keep (the domain lower-cased), or None for none given; raises ValidationError with
    the ``email`` field otherwise."""
    value = (value or "").strip()
    if not value:
        return None
    match = EMAIL.fullmatch(value)
    if match is None or len(value) > EMAIL_MAX or len(match["local"]) > 64:
        raise ValidationError(fields={"email": _l("Enter an e-mail address like name@example.com.")})
    return f"{match['local']}@{match['domain'].lower()}"
