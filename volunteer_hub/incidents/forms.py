"""The page forms of incidents: the report (with the phone's client_id for a report queued offline) and a
follow-up."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, RadioField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, Optional

from volunteer_hub.core.forms import CheckboxListField, FlaskForm, SelectChoice
from volunteer_hub.core.timeutil import local_to_utc
from volunteer_hub.incidents import rules, texts


class ReportForm(FlaskForm):
    category = RadioField(
        _l("What happened"),
        choices=[SelectChoice(code, label) for code, label in texts.CATEGORIES.items()],
        validators=[InputRequired(_l("Choose what happened."))],
    )
    severity = RadioField(
        _l("How serious"),
        choices=[SelectChoice(code, label) for code, label in texts.SEVERITIES.items()],
        validators=[InputRequired(_l("Choose how serious it is."))],
    )
    day = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    at = TimeField(_l("Time"), validators=[InputRequired(_l("Enter the time."))], format=["%H:%M", "%H:%M:%S"])
    description = TextAreaField(
        _l("Describe it"),
        validators=[InputRequired(_l("Say what happened.")), Length(max=rules.DESCRIPTION_MAX)],
        render_kw={"maxlength": rules.DESCRIPTION_MAX, "rows": 5},
    )
    involved = CheckboxListField(_l("Who was involved"), coerce=int, validators=[Optional()])
    client_id = HiddenField(validators=[Optional(), Length(max=rules.CLIENT_ID_MAX)])

    def name_people(self, people) -> None:
        """Who was involved: the shift's roster."""
        self.involved.choices = [SelectChoice(person.id, person.name) for person in people]

    def occurred_at(self):
        return local_to_utc(self.day.data, self.at.data)


class UpdateForm(FlaskForm):
    text = TextAreaField(
        _l("Follow-up"),
        validators=[InputRequired(_l("Write the follow-up.")), Length(max=rules.UPDATE_MAX)],
        render_kw={"maxlength": rules.UPDATE_MAX, "rows": 3},
    )
    close = BooleanField(_l("This closes the incident"))
