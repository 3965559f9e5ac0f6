"""The page forms of a call-out: the organizer's request and the volunteer's one-tap answer."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FloatField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from volunteer_hub.callouts.rules import MESSAGE_MAX
from volunteer_hub.core.forms import FlaskForm


class CalloutForm(FlaskForm):
    needed = IntegerField(_l("How many more people"), validators=[InputRequired(), NumberRange(min=1, max=500)])
    radius_km = FloatField(_l("Within (km)"), validators=[Optional(), NumberRange(min=0.1, max=50)])
    message = TextAreaField(
        _l("Message (meeting point, what to bring)"), validators=[Optional()], render_kw={"maxlength": MESSAGE_MAX}
    )


class AnswerForm(FlaskForm):
    health_declared = BooleanField(_l("I declare that I have no fever or other symptoms"))
