"""Hours forms: the shape of what the pages accept (hours with two decimals, reasons). Whether the action is
allowed, and whether a reason is needed, is for hours.rules through the services."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from volunteer_hub.core.forms import FlaskForm
from volunteer_hub.hours.rules import MAX_ENTRY_MINUTES, REASON_MAX

HOURS_KW = {"inputmode": "decimal", "step": "0.01", "min": "0", "max": str(MAX_ENTRY_MINUTES // 60)}
_MAX_HOURS = MAX_ENTRY_MINUTES // 60


def as_hours(minutes: int) -> Decimal:
    """Minutes as the hours a form field shows (two decimals)."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def _hours_field(label, *, required: bool, low: float):
    message = _l("Enter hours between %(low)s and %(high)d, e.g. 3.5.", low=str(low), high=_MAX_HOURS)
    first = InputRequired(message) if required else Optional()
    return DecimalField(label, places=2, render_kw=HOURS_KW, validators=[first, NumberRange(low, _MAX_HOURS, message)])


def _text(label, *, required_message=None):
    first = InputRequired(required_message) if required_message else Optional()
    return TextAreaField(
        label, render_kw={"maxlength": REASON_MAX, "rows": 3}, validators=[first, Length(max=REASON_MAX)]
    )


class _HoursForm(FlaskForm):
    hours: DecimalField  # each form's own field

    def minutes(self) -> int | None:
        return None if self.hours.data is None else int((self.hours.data * 60).to_integral_value())


class ConfirmForm(_HoursForm):
    """Confirm one attendee: the proposed hours, or other hours with a reason."""

    hours = _hours_field(_l("Hours to confirm"), required=False, low=0.01)
    reason = _text(_l("Reason for changing the proposed hours"))


class CorrectForm(_HoursForm):
    """Correct a confirmed record: the hours it should count, and why."""

    hours = _hours_field(_l("Hours the record should count"), required=True, low=0)
    reason = _text(_l("Reason for the correction"), required_message=_l("Give the reason for the correction."))


class RequestForm(FlaskForm):
    """A volunteer asks for a correction, or reports hours missing."""

    reason = _text(
        _l("What is wrong? Say what you did and for how long."),
        required_message=_l("Say what is wrong, so the organizer can check it."),
    )


class AcceptForm(_HoursForm):
    hours = _hours_field(_l("Hours the record should count"), required=True, low=0)
    response = _text(_l("Note to the volunteer (optional)"))


class RefuseForm(FlaskForm):
    response = _text(
        _l("Why is the request refused?"), required_message=_l("Tell the volunteer why the request is refused.")
    )
