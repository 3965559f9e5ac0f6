"""How often messages may be sent: per sender (page and API together), and per shift, task or team messaged."""

from volunteer_hub.accounts.throttle import per_user_limits

PER_SENDER = "ORGANIZER_MESSAGE_LIMIT_PER_SENDER"
PER_TARGET = "ORGANIZER_MESSAGE_LIMIT_PER_TARGET"


def message_limits(per: str, *, counted: tuple[int, ...]):
    """Throttle a view that sends a message to the object named by the URL parameter ``per``; only answers with a
    status in ``counted`` (a message sent) count."""

    def decorate(view):
        view = per_user_limits(PER_TARGET, counted=counted, per=per)(view)
        return per_user_limits(PER_SENDER, counted=counted)(view)

    return decorate
