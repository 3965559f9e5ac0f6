"""What a message may say and who may send it."""

from flask_babel import lazy_gettext as _l

from volunteer_hub.core.errors import ValidationError
from volunteer_hub.core.inputs import strip_text

TEXT_MAX = 300  # read on a phone's lock screen; longer instructions belong in the task's description


def check_text(text) -> str:
    text = strip_text(text)
    if not text:
        raise ValidationError(fields={"text": _l("Write the message.")})
    if len(text) > TEXT_MAX:
        raise ValidationError(fields={"text": _l("Use at most %(n)d characters.", n=TEXT_MAX)})
    return text
