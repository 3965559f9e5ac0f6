"""The check-in forms: the position the page's script fills in, and which way the volunteer checks."""

import math
from datetime import datetime

from wtforms import FloatField, HiddenField, StringField
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional, ValidationError

from volunteer_hub.attendance.rules import MAX_ACCURACY_M
from volunteer_hub.core.forms import FlaskForm


def _finite(form, field):
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError("not a finite number")


class ScanForm(FlaskForm):
    """The QR page's single button: check in or out, as the page offered."""

    action = HiddenField(validators=[AnyOf(("in", "out"))])
    device = HiddenField(validators=[Optional(), Length(max=200)])
    # "1" once the volunteer answered yes to "check out now?" for a short record (attendance.rules).
    short_confirmed = HiddenField(validators=[Optional(), AnyOf(("1",))])

    @property
    def ask_if_short(self) -> bool:
        return self.short_confirmed.data != "1"


class PositionForm(ScanForm):
    """The GPS check-in page: coordinates and accuracy from the browser's geolocation."""

    lat = FloatField(validators=[InputRequired(), _finite, NumberRange(-90, 90)])
    lon = FloatField(validators=[InputRequired(), _finite, NumberRange(-180, 180)])
    accuracy_m = FloatField(validators=[InputRequired(), _finite, NumberRange(0, MAX_ACCURACY_M)])


def _aware_time(form, field):
    """ISO 8601 with an offset (what the page's script sends: the phone's time of the action)."""
    try:
        value = datetime.fromisoformat(field.data or "")
    except ValueError:
        raise ValidationError("not an ISO 8601 time") from None
    if value.tzinfo is None:
        raise ValidationError("no offset")
    field.data = value


class OfflineActionForm(PositionForm):
    """A check-in or check-out queued on the phone and sent later by the page's script (or the service worker).
    No CSRF field: the X-Offline-Token header, bound to the user and the claim, does that job (the CSRF token of a
    page opened hours ago may belong to a session that has since changed)."""

    class Meta:
        csrf = False

    recorded_at = StringField(validators=[InputRequired(), Length(max=40), _aware_time])
