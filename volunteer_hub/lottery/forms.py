"""The organizer's lottery form: when sign-up closes, and whether Party members are drawn first."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, TimeField
from wtforms.validators import InputRequired

from volunteer_hub.core.forms import FlaskForm
from volunteer_hub.core.timeutil import local_to_utc


class LotteryForm(FlaskForm):
    day = DateField(_l("Sign-up closes on"), validators=[InputRequired(_l("Choose the day sign-up closes."))])
    at = TimeField(
        _l("at"),
        validators=[InputRequired(_l("Choose the time sign-up closes."))],
        format=["%H:%M", "%H:%M:%S"],
        render_kw={"step": 900},
    )
    party_first = BooleanField(_l("Draw Party members first (high-risk posts)"))

    def until(self):
        """The deadline in UTC."""
        return local_to_utc(self.day.data, self.at.data)
