"""Rota forms: the organizer's series form and the leader's adoption form. The services decide what is valid."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from wtforms import DateField, FieldList, FormField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Optional

from volunteer_hub.core.forms import FlaskForm, Form, optional_int
from volunteer_hub.rotas.series import MAX_SLOTS, clock_minutes

CHECKPOINT = [("08:00", "16:00"), ("16:00", "24:00"), ("00:00", "08:00")]


class SlotRow(Form):
    """One daily shift; a row left empty is ignored."""

    start = StringField(_l("From (HH:MM)"), render_kw={"inputmode": "numeric", "placeholder": "08:00"})
    end = StringField(_l("Until (HH:MM)"), render_kw={"inputmode": "numeric", "placeholder": "16:00"})
    capacity = IntegerField(_l("Places"), validators=[Optional()], render_kw={"inputmode": "numeric"})

    @property
    def is_blank(self) -> bool:
        return not (self.start.data or "").strip() and not (self.end.data or "").strip()

    def _clocks(self) -> tuple[int | None, int | None]:
        start, end = clock_minutes(self.start.data), clock_minutes(self.end.data)
        return (None, None) if start is None or start == 1440 or end is None else (start, end)

    def length(self) -> timedelta | None:
        """How long the daily shift lasts (an end at or before the start is the next day), shown before saving."""
        start, end = self._clocks()
        return None if start is None or end is None else timedelta(minutes=end - start + (1440 if end <= start else 0))

    def ends_next_day(self) -> bool:
        start, end = self._clocks()
        return start is not None and end is not None and end <= start


class SeriesForm(FlaskForm):
    """A daily pattern over a range of dates."""

    from_date = DateField(_l("First day"), validators=[InputRequired(_l("Enter the first date."))])
    to_date = DateField(_l("Last day"), validators=[InputRequired(_l("Enter the last date."))])
    daily = FieldList(FormField(SlotRow), min_entries=MAX_SLOTS, max_entries=MAX_SLOTS)
    submit = SubmitField(_l("Create the shifts"))

    @classmethod
    def initial(cls) -> "SeriesForm":
        """The usual round-the-clock checkpoint: three eight-hour shifts of two people."""
        rows = [{"start": start, "end": end, "capacity": 2} for start, end in CHECKPOINT]
        return cls(data={"daily": rows + [{}] * (MAX_SLOTS - len(rows))})

    def pattern(self) -> tuple[list[dict], list[int]]:
        """The filled rows as the service takes them, and the form row index of each."""
        rows = [(index, entry.form) for index, entry in enumerate(self.daily.entries) if not entry.form.is_blank]
        return (
            [
                {
                    "start": (row.start.data or "").strip(),
                    "end": (row.end.data or "").strip(),
                    "capacity": row.capacity.data,
                }
                for _, row in rows
            ],
            [index for index, _ in rows],
        )


def slot_errors(fields: dict, rows: list[int]) -> dict:
    """Renumber the service's daily.<i>.* errors to the form's rows (empty rows were left out)."""
    renamed = {}
    for path, message in fields.items():
        parts = path.split(".")
        if parts[0] == "daily" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
            path = f"daily.{rows[int(parts[1])]}.{parts[2]}"
        renamed[path] = message
    return renamed


class AdoptForm(FlaskForm):
    """Adopt a series, or a range of its dates, for the team."""

    series_id = SelectField(_l("Shift series"), coerce=optional_int, validators=[InputRequired()])
    from_date = DateField(_l("From (optional)"), validators=[Optional()])
    to_date = DateField(_l("Until (optional)"), validators=[Optional()])
    submit = SubmitField(_l("Adopt for my team"))


class RangeForm(Form):
    """The dates of a rota page (GET parameters)."""

    start = DateField(validators=[Optional()])
    end = DateField(validators=[Optional()])
