"""Team forms: founding a team, and choosing the members a leader claims a shift for."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from volunteer_hub.core.forms import CheckboxListField, FlaskForm, optional_int
from volunteer_hub.orgs.names import org_name
from volunteer_hub.teams.services import DESCRIPTION_MAX, NAME_MAX


class FoundTeamForm(FlaskForm):
    name = StringField(_l("Team name"), validators=[InputRequired(_l("Give the team a name.")), Length(max=NAME_MAX)])
    org_id = SelectField(
        _l("Community or Party branch"),
        coerce=optional_int,
        validators=[InputRequired(_l("Choose a community or a Party branch."))],
    )
    description = TextAreaField(_l("What the team does (optional)"), validators=[Length(max=DESCRIPTION_MAX)])

    def __init__(self, orgs, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.org_id.choices = [("", _l("Choose…"))] + [(org.id, org_name(org)) for org in orgs]


class TeamClaimForm(FlaskForm):
    member_ids = CheckboxListField(_l("Members to sign up"), coerce=int)

    def __init__(self, members, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.member_ids.choices = [(m.user_id, m.user.name) for m in members]
