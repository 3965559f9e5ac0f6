"""The channels form: the shape of what the page accepts; notifications.services checks the e-mail address."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField
from wtforms.validators import Length

from volunteer_hub.core.forms import FlaskForm
from volunteer_hub.notifications.rules import EMAIL_MAX


class ChannelsForm(FlaskForm):
    sms = BooleanField(_l("Text messages (SMS) to my mobile number"))
    push = BooleanField(_l("Notifications on this phone's browser (push)"))
    email = EmailField(
        _l("E-mail address (optional)"),
        validators=[Length(max=EMAIL_MAX)],
        render_kw={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"},
    )
    urgent_in_quiet_hours = BooleanField(_l("Urgent calls may reach me during my quiet hours"))


class ChannelTestForm(FlaskForm):
    """Only the CSRF token: the button sends a test message."""
