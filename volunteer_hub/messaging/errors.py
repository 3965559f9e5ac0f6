"""How a send fails: the caller retries a Retryable later, gives up on a Permanent, forgets a Gone subscription."""

from typing import Any


class SendFailed(Exception):
    """The provider did not accept the message; ``code`` is the provider's short error code when it gave one."""

    retryable = False
    # The push channel hands on the subscriptions it found gone (a list of notifications' PushSubscription).
    gone: list[Any]

    def __init__(self, message: str, *, code: str = ""):
        super().__init__(message)
        self.code = code


class Retryable(SendFailed):
    """Throttled, a server error or a timeout: the same message may be sent again later."""

    retryable = True


class Permanent(SendFailed):
    """Refused for good (invalid number or address, template not approved): sending again cannot help."""


class Gone(Permanent):
    """A push subscription the push service no longer knows (404 or 410): delete it."""
