"""Task forms: the nearby-list filters and the organizer's post/edit form with shift rows.

Forms check the shape of the input (numbers are numbers, dates are dates); tasks.rules, through the
services, decide what is acceptable, and their messages come back onto the fields.
"""

from datetime import timedelta
from types import SimpleNamespace
from typing import Any, cast

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FloatField,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from volunteer_hub.catalogue import QUALIFICATIONS, RISK_DEFAULTS, SKILL_CODES, SKILLS, TASK_TYPE_CODES, TASK_TYPES
from volunteer_hub.core.forms import CheckboxListField, FlaskForm, Form, SelectChoice, field_errors, optional_int
from volunteer_hub.core.timeutil import local_to_utc, now, to_local
from volunteer_hub.orgs.names import org_name
from volunteer_hub.tasks import rules
from volunteer_hub.tasks.models import MAX_CAPACITY, MAX_SHIFTS_PER_TASK
from volunteer_hub.tasks.services import TASK_FIELDS

# Service field names -> row field names.
SHIFT_ALIASES = {"starts_at": "starts", "ends_at": "ends"}
DATE_FILTERS = ("today", "tomorrow")


class ListFilters(Form):
    """Query parameters of the nearby list (plain GET links, so no CSRF)."""

    lat = FloatField(validators=[Optional(), NumberRange(-90, 90)])
    lon = FloatField(validators=[Optional(), NumberRange(-180, 180)])
    # WTForms takes a callable bound and bare values as choices; types-WTForms declares neither.
    radius = FloatField(
        validators=[
            Optional(),
            NumberRange(0.1, lambda: current_app.config["NEARBY_MAX_RADIUS_KM"]),  # type: ignore[arg-type]
        ]
    )
    type = SelectField(choices=["", *sorted(TASK_TYPE_CODES)], default="")  # type: ignore[list-item]
    skill = SelectField(choices=["", *sorted(SKILL_CODES)], default="")  # type: ignore[list-item]
    date = SelectField(choices=["", *DATE_FILTERS], default="")  # type: ignore[list-item]
    everywhere = BooleanField()
    cursor = StringField(validators=[Length(max=200)])
    offset = IntegerField(validators=[Optional(), NumberRange(0, 10_000)])

    def validate(self, extra_validators=None) -> bool:
        """Every field valid, and latitude and longitude given together or not at all."""
        return super().validate(extra_validators) and (self.lat.data is None) == (self.lon.data is None)

    def day(self):
        """The local date the 'today'/'tomorrow' chip stands for, or None."""
        if not self.date.data:
            return None
        return to_local(now()).date() + timedelta(days=DATE_FILTERS.index(self.date.data))


class ShiftRowForm(Form):
    """One shift row: a date, a start and an end time (an earlier end means the next day), and places."""

    id = IntegerField(widget=HiddenInput(), validators=[Optional()])
    day = DateField(_l("Date"), validators=[Optional()])
    starts = TimeField(_l("Start"), validators=[Optional()], format=["%H:%M", "%H:%M:%S"], render_kw={"step": 900})
    ends = TimeField(_l("End"), validators=[Optional()], format=["%H:%M", "%H:%M:%S"], render_kw={"step": 900})
    capacity = IntegerField(
        _l("Places"), validators=[Optional()], render_kw={"inputmode": "numeric", "min": 1, "max": MAX_CAPACITY}
    )

    def validate(self, extra_validators=None) -> bool:
        """A saved shift's row must stay complete: the service keeps the old value where one is missing."""
        valid = super().validate(extra_validators)
        if self.id.data is not None:
            for field in (self.day, self.starts, self.ends, self.capacity):
                if field.data is None and not field.errors:
                    field_errors(field).append(str(_l("This field is required.")))
                    valid = False
        return valid

    def is_blank(self) -> bool:
        """No times typed: an unused row (a new row keeps the day and places of the one above)."""
        return not any(field.raw_data and field.raw_data[0] for field in (self.starts, self.ends))

    def times(self):
        """(starts_at, ends_at) in UTC; either is None when the row lacks it."""
        if self.day.data is None or self.starts.data is None:
            return None, None
        starts = local_to_utc(self.day.data, self.starts.data)
        if self.ends.data is None:
            return starts, None
        end_day = self.day.data + timedelta(days=1 if self.ends.data <= self.starts.data else 0)
        return starts, local_to_utc(end_day, self.ends.data)

    def length(self) -> timedelta | None:
        """How long the row's shift lasts, shown beside it before saving; None until both times are typed."""
        starts, ends = self.times()
        return ends - starts if starts is not None and ends is not None else None

    def ends_next_day(self) -> bool:
        return self.starts.data is not None and self.ends.data is not None and self.ends.data <= self.starts.data

    @staticmethod
    def values(shift) -> dict:
        """A saved shift as row values, in local time."""
        starts, ends = to_local(shift.starts_at), to_local(shift.ends_at)
        return {
            "id": shift.id,
            "day": starts.date(),
            "starts": starts.time(),
            "ends": ends.time(),
            "capacity": shift.capacity,
        }


class TaskFieldsForm(FlaskForm):
    """The fields a task has, shared by the post and edit forms."""

    title = StringField(_l("Title"), render_kw={"maxlength": rules.TITLE_MAX})
    type = SelectField(_l("Type of task"), validate_choice=False)
    description = TextAreaField(_l("What volunteers will do"), render_kw={"maxlength": rules.DESCRIPTION_MAX})
    address = StringField(_l("Meeting point"), render_kw={"maxlength": rules.ADDRESS_MAX})
    lat = FloatField(_l("Latitude"), validators=[Optional()], render_kw={"inputmode": "decimal"})
    lon = FloatField(_l("Longitude"), validators=[Optional()], render_kw={"inputmode": "decimal"})
    required_skills = CheckboxListField(_l("Required skills"), validate_choice=False)
    requires_approval = BooleanField(_l("I approve each volunteer before they are confirmed"))
    requires_insurance = BooleanField(_l("Volunteers need accident insurance (risky posts)"))
    requires_qualification = SelectField(_l("Volunteers need this training or qualification"), validate_choice=False)
    requires_health_declaration = BooleanField(_l("Volunteers give a health self-declaration when signing up"))
    urgent = BooleanField(_l("Urgent: tell matching volunteers even in their quiet hours"))
    release_unconfirmed = BooleanField(
        _l("Give the place of a volunteer who does not confirm the evening before to the waitlist")
    )
    match_radius_km = FloatField(
        _l("Tell volunteers living within (km)"),
        default=5.0,
        validators=[Optional(), NumberRange(*rules.MATCH_RADIUS_KM)],
        render_kw={"inputmode": "decimal"},
    )
    shifts = FieldList(FormField(ShiftRowForm), min_entries=1, max_entries=MAX_SHIFTS_PER_TASK)
    add_row = SubmitField(_l("Add a shift row"))
    submit = SubmitField(_l("Publish"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locale = str(get_locale() or "zh")
        self.type.choices = [SelectChoice(e.code, e.name(locale)) for e in TASK_TYPES]
        self.required_skills.choices = [SelectChoice(e.code, e.name(locale)) for e in SKILLS]
        self.requires_qualification.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(e.code, e.name(locale)) for e in QUALIFICATIONS
        ]

    def apply_type_defaults(self) -> None:
        """A new task starts with the requirements its type usually has (条例 §16, §17)."""
        choices = cast(list[SelectChoice], self.type.choices)  # set in __init__ as SelectChoice
        defaults = RISK_DEFAULTS.get(self.type.data or choices[0].value, {})
        self.requires_insurance.data = defaults.get("requires_insurance", False)
        self.requires_qualification.data = defaults.get("requires_qualification", "")

    def task_fields(self) -> dict:
        fields = {name: getattr(self, name).data for name in TASK_FIELDS}
        fields["requires_qualification"] = fields["requires_qualification"] or None
        if fields["match_radius_km"] is None:
            fields["match_radius_km"] = 5.0
        return fields

    def add_shift_row(self) -> None:
        """One more row, on the same day and with the same places as the last one."""
        if len(self.shifts.entries) >= MAX_SHIFTS_PER_TASK:
            self.form_errors.append(str(_l("A task has at most %(n)d shifts.", n=MAX_SHIFTS_PER_TASK)))
            return
        last = self.shifts.entries[-1].form
        self.shifts.append_entry(
            SimpleNamespace(id=None, day=last.day.data, starts=None, ends=None, capacity=last.capacity.data)
        )

    def new_shift_rows(self) -> tuple[list[dict], list[int]]:
        """The filled-in rows without an id as service shift dicts, and the row index of each."""
        shifts, rows = [], []
        for index, entry in enumerate(self.shifts.entries):
            row = entry.form
            if row.id.data is None and not row.is_blank():
                starts, ends = row.times()
                shifts.append({"starts_at": starts, "ends_at": ends, "capacity": row.capacity.data})
                rows.append(index)
        return shifts, rows


class PostTaskForm(TaskFieldsForm):
    org_id = SelectField(_l("Organisation"), coerce=optional_int)
    # A double tap on a slow network posts twice: the second submit returns the first task.
    client_token = HiddenField(validators=[Length(max=64)])

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.org_id.choices = [SelectChoice(org.id, org_name(org)) for org in orgs]


class EditTaskForm(TaskFieldsForm):
    submit = SubmitField(_l("Save changes"))

    @staticmethod
    def values(task) -> dict:
        """The saved task as form data."""
        return {name: getattr(task, name) for name in TASK_FIELDS} | {
            "shifts": [ShiftRowForm.values(shift) for shift in task.shifts]
        }

    def shift_changes(self, task) -> tuple[list[dict], list[int]]:
        """Changed saved shifts (only what changed) plus new rows, and the row index of each."""
        saved = {shift.id: shift for shift in task.shifts}
        changes, rows = [], []
        for index, entry in enumerate(self.shifts.entries):
            row = entry.form
            if row.id.data is None:
                continue
            shift = saved.get(row.id.data)
            change: dict[str, Any] = {"id": row.id.data}
            if shift is not None:
                before = ShiftRowForm.values(shift)
                if (row.day.data, row.starts.data, row.ends.data) != (before["day"], before["starts"], before["ends"]):
                    change["starts_at"], change["ends_at"] = row.times()
                if row.capacity.data != shift.capacity:
                    change["capacity"] = row.capacity.data
            if len(change) > 1 or shift is None:
                changes.append(change)
                rows.append(index)
        added, added_rows = self.new_shift_rows()
        return changes + added, rows + added_rows


class OrganizerReasonForm(FlaskForm):
    """Why an organizer cancels a task or turns a volunteer down: optional, and the volunteer reads it."""

    reason = TextAreaField(
        _l("Reason (optional; the volunteers are told)"), render_kw={"maxlength": rules.ORGANIZER_REASON_MAX, "rows": 3}
    )


def row_errors(fields: dict, rows: list[int]) -> dict:
    """Renumber a service's 'shifts.<i>.<field>' errors from its list positions to the form's row indexes."""
    renamed = {}
    for name, message in fields.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "shifts" and parts[1].isdigit() and int(parts[1]) < len(rows):
            name = f"shifts.{rows[int(parts[1])]}.{parts[2]}"
        renamed[name] = message
    return renamed
