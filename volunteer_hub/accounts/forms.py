"""Account forms: the shape of what the pages accept. The account services decide what is allowed."""

from typing import Any, cast

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields import TelField
from wtforms.validators import EqualTo, InputRequired, Length, Optional

from volunteer_hub.accounts.passwords import MAX_LENGTH as PASSWORD_MAX
from volunteer_hub.accounts.services import NAME_MAX
from volunteer_hub.catalogue import AVAILABILITY, QUALIFICATIONS, SKILLS
from volunteer_hub.core.forms import CheckboxListField, FlaskForm, SelectChoice, optional_int

PHONE_KW = {"autocomplete": "tel", "inputmode": "tel", "enterkeyhint": "next"}
# The one-time code: phones offer the code of an arriving SMS above the keyboard (autocomplete=one-time-code).
CODE_KW = {"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 6, "pattern": "[0-9]*"}


def _code_field():
    return StringField(_l("Code from the SMS"), render_kw=CODE_KW, validators=[Length(max=16)])


def _send_button():
    """A second submit button: it posts the form to send a code to the number typed, without JavaScript."""
    return SubmitField(_l("Send code"))


class LoginForm(FlaskForm):
    phone = TelField(
        _l("Mobile number"),
        render_kw=PHONE_KW,
        validators=[InputRequired(_l("Enter your 11-digit mobile number.")), Length(max=32)],
    )
    password = PasswordField(
        _l("Password"),
        render_kw={"autocomplete": "current-password"},
        validators=[InputRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX)],
    )
    remember = BooleanField(_l("Keep me logged in on this phone for 30 days"))
    next = HiddenField()


class RegisterForm(FlaskForm):
    """No field validators: accounts.services.register checks every field and reports all problems at once."""

    phone = TelField(_l("Mobile number"), render_kw=PHONE_KW)
    send_code = _send_button()
    code = _code_field()
    name = StringField(_l("Name"), render_kw={"autocomplete": "name", "maxlength": NAME_MAX})
    password = PasswordField(_l("Password"), render_kw={"autocomplete": "new-password"})
    next = HiddenField()


class CodeLoginForm(FlaskForm):
    """Log in with a code sent to the number. Checked by accounts.services.authenticate_by_code."""

    phone = TelField(_l("Mobile number"), render_kw=PHONE_KW)
    send_code = _send_button()
    code = _code_field()
    remember = BooleanField(_l("Keep me logged in on this phone for 30 days"))
    next = HiddenField()


class ResetForm(FlaskForm):
    """Forgotten password: a code sent to the number, then a new password (accounts.services.reset_password)."""

    phone = TelField(_l("Mobile number"), render_kw=PHONE_KW)
    send_code = _send_button()
    code = _code_field()
    password = PasswordField(_l("New password"), render_kw={"autocomplete": "new-password"})


class PhoneForm(FlaskForm):
    """A new number (or one's own, to confirm it) and the code sent to it (accounts.services.change_phone)."""

    phone = TelField(_l("Mobile number"), render_kw=PHONE_KW)
    send_code = _send_button()
    code = _code_field()
    next = HiddenField()


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        render_kw={"autocomplete": "current-password"},
        validators=[InputRequired(_l("Enter your current password."))],
    )
    new_password = PasswordField(
        _l("New password"),
        render_kw={"autocomplete": "new-password"},
        validators=[InputRequired(_l("Choose a new password.")), Length(max=PASSWORD_MAX)],
    )
    confirm = PasswordField(
        _l("New password again"),
        render_kw={"autocomplete": "new-password"},
        validators=[EqualTo("new_password", _l("The two new passwords are not the same."))],
    )


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), render_kw={"autocomplete": "name", "maxlength": NAME_MAX})
    skills = CheckboxListField(_l("Skills"), validate_choice=False)
    languages = CheckboxListField(_l("Languages"), validate_choice=False)
    availability = CheckboxListField(_l("When I can usually help"), validate_choice=False)
    party_member = BooleanField(_l("I am a member of the Communist Party of China"))
    max_weekly_hours = IntegerField(
        _l("Hours per week at most"), render_kw={"inputmode": "numeric"}, validators=[Optional()]
    )
    notify_max_per_day = IntegerField(
        _l("Task suggestions a day at most"), render_kw={"inputmode": "numeric"}, validators=[Optional()]
    )
    quiet_hours = StringField(_l("Quiet hours"), render_kw={"placeholder": "22:00-07:00", "maxlength": 20})
    match_opt_out = BooleanField(_l("Send me no task suggestions"))
    home_org_id = SelectField(_l("Home community"), coerce=optional_int)
    lat = FloatField(_l("Latitude"), validators=[Optional()], render_kw={"inputmode": "decimal"})
    lon = FloatField(_l("Longitude"), validators=[Optional()], render_kw={"inputmode": "decimal"})
    birth_date = DateField(_l("Date of birth"), validators=[Optional()])
    show_party_badge = BooleanField(_l("Show my Party badge (亮身份) on rosters and team pages"))
    insurance_provider = StringField(_l("Accident insurance: provider"), render_kw={"maxlength": 100})
    insurance_valid_until = DateField(_l("Accident insurance: valid until"), validators=[Optional()])
    qualifications = CheckboxListField(_l("Trainings and qualifications I hold"), validate_choice=False)

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        locale = str(get_locale() or "zh")
        self.skills.choices = [SelectChoice(e.code, e.name(locale)) for e in SKILLS if e.kind == "skill"]
        self.languages.choices = [SelectChoice(e.code, e.name(locale)) for e in SKILLS if e.kind == "language"]
        self.availability.choices = [SelectChoice(e.code, e.name(locale)) for e in AVAILABILITY]
        self.qualifications.choices = [SelectChoice(e.code, e.name(locale)) for e in QUALIFICATIONS]
        self.home_org_id.choices = [SelectChoice("", _l("None chosen"))] + [
            SelectChoice(org_id, name) for org_id, name in communities
        ]

    def load(self, user, qualifications=()) -> None:
        """Split the saved skills into the two checkbox groups (shown grouped, stored as one list)."""
        self.qualifications.data = [row.code for row in qualifications]
        languages = {choice.value for choice in cast(list[SelectChoice], self.languages.choices)}
        self.skills.data = [code for code in user.skills if code not in languages]
        self.languages.data = [code for code in user.skills if code in languages]

    def changes(self, user, qualifications=()) -> dict:
        """The profile changes for accounts.services.update_profile.

        Community and coordinates are sent only when changed: picking a community moves the home location
        to its centre, and coordinates typed (or located) on the same page win over it.
        """
        changes: dict[str, Any] = {
            "name": self.name.data,
            "skills": [*(self.skills.data or []), *(self.languages.data or [])],
            "availability": self.availability.data,
            "party_member": self.party_member.data,
            "max_weekly_hours": self.max_weekly_hours.data,
            "notify_max_per_day": self.notify_max_per_day.data,
            "quiet_hours": (self.quiet_hours.data or "").strip() or None,
            "match_opt_out": self.match_opt_out.data,
            "birth_date": self.birth_date.data,
            "show_party_badge": self.show_party_badge.data,
            "insurance_provider": self.insurance_provider.data,
            "insurance_valid_until": self.insurance_valid_until.data,
        }
        # Ticking a qualification keeps its saved issuer and end date; the API records those.
        held = {row.code: row for row in qualifications}
        changes["qualifications"] = [
            {
                "code": code,
                "issuer": held[code].issuer if code in held else "",
                "valid_until": held[code].valid_until if code in held else None,
            }
            for code in self.qualifications.data or []
        ]
        if self.home_org_id.data != user.home_org_id:
            changes["home_org_id"] = self.home_org_id.data
        if (self.lat.data, self.lon.data) != (user.lat, user.lon):
            changes["lat"], changes["lon"] = self.lat.data, self.lon.data
        return changes
