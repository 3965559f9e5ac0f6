"""Forms of the help pages: the resident's request, an organizer's decline, the resident's thanks."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import FloatField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields import DateTimeLocalField, TelField
from wtforms.validators import InputRequired, Length, Optional

from volunteer_hub.catalogue import SKILLS
from volunteer_hub.core.forms import CheckboxListField, FlaskForm, SelectChoice, optional_int
from volunteer_hub.core.timeutil import local_to_utc
from volunteer_hub.help import rules
from volunteer_hub.orgs.names import org_name


class RequestForm(FlaskForm):
    type = RadioField(_l("What do you need?"), validate_choice=False)
    description = TextAreaField(_l("Describe what you need"), render_kw={"maxlength": rules.DESCRIPTION_MAX, "rows": 4})
    languages = CheckboxListField(_l("Languages you would like help in"), validate_choice=False)
    needed_at = DateTimeLocalField(
        _l("When do you need help?"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Enter the date and time you need help."))],
    )
    community_id = SelectField(_l("Your community"), coerce=optional_int)
    address = StringField(_l("Address"), render_kw={"maxlength": rules.ADDRESS_MAX, "autocomplete": "street-address"})
    lat = FloatField(_l("Latitude"), validators=[Optional()], render_kw={"inputmode": "decimal"})
    lon = FloatField(_l("Longitude"), validators=[Optional()], render_kw={"inputmode": "decimal"})
    contact_name = StringField(_l("Your name"), render_kw={"maxlength": rules.NAME_MAX, "autocomplete": "name"})
    contact_phone = TelField(
        _l("Mobile number"), validators=[Length(max=32)], render_kw={"autocomplete": "tel", "inputmode": "tel"}
    )

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        locale = str(get_locale() or "zh")
        self.type.choices = [(code, label) for code, label in rules.TYPE_LABELS.items()]
        self.languages.choices = [SelectChoice(e.code, e.name(locale)) for e in SKILLS if e.kind == "language"]
        self.community_id.choices = [SelectChoice("", _l("The community nearest to my location"))] + [
            SelectChoice(org.id, org_name(org, locale)) for org in communities
        ]

    def values(self) -> dict:
        """The service's keyword arguments: the local time becomes UTC."""
        needed = self.needed_at.data
        return {
            "type": self.type.data,
            "description": self.description.data,
            "languages": self.languages.data,
            "needed_at": local_to_utc(needed.date(), needed.time()) if needed else None,
            "community_id": self.community_id.data,
            "address": self.address.data,
            "lat": self.lat.data,
            "lon": self.lon.data,
            "contact_name": self.contact_name.data,
            "contact_phone": self.contact_phone.data,
        }


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Why can the community not help? The resident reads this."),
        render_kw={"maxlength": rules.REASON_MAX, "rows": 3},
    )


class ThanksForm(FlaskForm):
    message = TextAreaField(_l("Your message"), render_kw={"maxlength": rules.THANKS_MAX, "rows": 3})


class AcceptForm(FlaskForm):
    """Only the CSRF token: accepting needs no typing."""
