"""Account jobs: sending one-time codes by SMS off the request path."""

import logging

from volunteer_hub.accounts import services
from volunteer_hub.messaging.errors import Permanent

log = logging.getLogger(__name__)


def send_verification_code(phone: str, purpose: str, code: str, locale: str | None = None) -> None:
    """Send a code if it is still the live one and the number qualifies. A retryable provider failure raises, so
    RQ tries again (the code's own lifetime bounds the retries); a permanent one is logged and dropped."""
    try:
        services.send_code(phone, purpose, code, locale)
    except Permanent as exc:
        log.warning("verification code to %s refused by the SMS provider: %s", phone[:6] + "…", exc)
