"""Organisation forms: add a sub-organisation, invite a phone number to a role or a Party branch."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FloatField, SelectField, StringField
from wtforms.fields import TelField
from wtforms.validators import InputRequired, Length, Optional

from volunteer_hub.core.forms import FlaskForm, SelectChoice
from volunteer_hub.orgs.models import OrgKind, Role
from volunteer_hub.orgs.services import ALLOWED_PARENTS, NAME_MAX

KIND_LABELS: dict[str, str] = {
    OrgKind.CITY: _l("City"),
    OrgKind.DISTRICT: _l("District"),
    OrgKind.STREET: _l("Street"),
    OrgKind.COMMUNITY: _l("Community"),
    OrgKind.COMPOUND: _l("Residential compound"),
    OrgKind.PARTY_COMMITTEE: _l("Party committee"),
    OrgKind.PARTY_BRANCH: _l("Party branch"),
}
ROLE_LABELS: dict[str, str] = {Role.ORGANIZER: _l("Organizer"), Role.REVIEWER: _l("Reviewer")}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def _english_name_field():
    return StringField(_l("English name (optional)"), render_kw={"maxlength": NAME_MAX, "lang": "en"})


class ChildOrgForm(FlaskForm):
    name = StringField(_l("Organisation name"), render_kw={"maxlength": NAME_MAX})
    name_en = _english_name_field()
    kind = SelectField(_l("Kind"), validate_choice=False)
    temporary = BooleanField(_l("Temporary Party branch"))
    lat = FloatField(_l("Latitude"), validators=[Optional()], render_kw={"inputmode": "decimal"})
    lon = FloatField(_l("Longitude"), validators=[Optional()], render_kw={"inputmode": "decimal"})

    def __init__(self, *args, parent, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only the kinds that may sit under this parent; orgs.services checks it again.
        self.kind.choices = [
            SelectChoice(kind.value, label)
            for kind, label in KIND_LABELS.items()
            if parent.kind in ALLOWED_PARENTS[kind]
        ]


class EnglishNameForm(FlaskForm):
    """The name readers of the English pages see; empty: they see the Chinese name. Named apart from the
    sub-organisation form's field, which is on the same page."""

    english_name = _english_name_field()


class GrantRoleForm(FlaskForm):
    phone = TelField(
        _l("Their mobile number"),
        render_kw={"autocomplete": "off", "inputmode": "tel"},
        validators=[InputRequired(_l("Enter their mobile number.")), Length(max=32)],
    )
    role = SelectField(
        _l("Role"),
        validate_choice=False,
        choices=[SelectChoice(Role(role).value, label) for role, label in ROLE_LABELS.items()],
    )


class BranchForm(FlaskForm):
    """A temporary Party branch: a name, or one of the organisation's tasks to name it after."""

    name = StringField(_l("Branch name"), render_kw={"maxlength": NAME_MAX})
    task_id = SelectField(
        _l("For the task (optional)"), coerce=lambda value: int(value) if value else None, validate_choice=False
    )

    def __init__(self, *args, tasks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.task_id.choices = [SelectChoice("", _l("No particular task"))] + [
            SelectChoice(str(task.id), task.title) for task in tasks
        ]


class BranchMemberForm(FlaskForm):
    """Add a Party member to a branch by the mobile number they registered with."""

    phone = TelField(
        _l("Their mobile number"),
        render_kw={"autocomplete": "off", "inputmode": "tel"},
        validators=[InputRequired(_l("Enter the mobile number they registered with.")), Length(max=32)],
    )
