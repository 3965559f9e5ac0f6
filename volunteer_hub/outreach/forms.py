"""The page form of a message."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, TextAreaField

from volunteer_hub.core.forms import FlaskForm
from volunteer_hub.outreach.rules import TEXT_MAX


class MessageForm(FlaskForm):
    text = TextAreaField(_l("Message"), render_kw={"maxlength": TEXT_MAX, "rows": 4})
    include_waitlisted = BooleanField(_l("Also tell the people on the waitlist"))
    urgent = BooleanField(_l("Urgent: may wake those who accept urgent calls at night"))
