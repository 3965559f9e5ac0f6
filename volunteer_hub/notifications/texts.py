"""The words of each notification kind, rendered in the reader's language when shown.

The domain that sends a kind declares its words in its own ``texts.py``, next to the service that notifies::

    @notification_text("claim_approved")
    def claim_approved(p: dict) -> str:
        return _("Your request for “%(task)s” on %(when)s was approved.", **task_and_when(p))

create_app imports every domain's ``texts.py``; a kind nobody declared reads "You have a new notification."
"""

from collections.abc import Callable
from datetime import date

from flask_babel import gettext as _

from volunteer_hub.core.formatting import calendar_date, parse_iso, shift_span
from volunteer_hub.notifications.models import Notification

Text = Callable[[dict], str]  # a notification's params -> its words in the current locale

_TEXTS: dict[str, Text] = {}
EMAIL_KINDS: set[str] = set()  # kinds also sent by e-mail to people who gave an address (organizers' business)
ACK_KINDS: set[str] = set()  # kinds the reader acknowledges with one tap (收到), which their sender sees


def notification_text(kind: str, *, email: bool = False, ack: bool = False) -> Callable[[Text], Text]:
    """Declare the words of notifications of ``kind``: the decorated function turns their params into text.
    ``email=True`` sends them by e-mail too, to those who gave an address (exports, deadlines, digests);
    ``ack=True`` offers the reader a one-tap acknowledgement (收到) that the sender sees."""

    def register(text: Text) -> Text:
        if kind in _TEXTS:
            raise ValueError(f"the notification kind {kind!r} already has its text ({_TEXTS[kind].__module__})")
        _TEXTS[kind] = text
        if email:
            EMAIL_KINDS.add(kind)
        if ack:
            ACK_KINDS.add(kind)
        return text

    return register


def render(note: Notification) -> str:
    text = _TEXTS.get(note.kind)
    return text(note.params or {}) if text else _("You have a new notification.")


def task_and_when(params: dict) -> dict:
    """The task's title and its shift's span ("Today 20:00–22:00"), as most notifications about a shift name them."""
    starts, ends = parse_iso(params.get("starts_at")), parse_iso(params.get("ends_at"))
    return {"task": params.get("task", ""), "when": shift_span(starts, ends) if starts and ends else ""}


def day(params: dict, key: str = "date") -> str:
    """An ISO date parameter (a service date, a deadline) in the reader's language."""
    return calendar_date(date.fromisoformat(params[key])) if params.get(key) else ""


# The notifications domain's own kind: "send me a test message" on the channels page goes over every channel the
# person chose, e-mail included.
@notification_text("channel_test", email=True)
def channel_test(p: dict) -> str:
    return _("This is a test message from Volunteer Hub. If you can read it, this channel reaches you.")
