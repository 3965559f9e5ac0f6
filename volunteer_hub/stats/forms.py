"""Statistics forms: the period of a dashboard (GET parameters) and what to export."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField
from wtforms.validators import Optional

from volunteer_hub.core.errors import ValidationError
from volunteer_hub.core.forms import Form, SelectChoice, apply_errors, field_errors
from volunteer_hub.stats import rules
from volunteer_hub.stats.periods import KINDS as PERIOD_KINDS
from volunteer_hub.stats.periods import Period


class PeriodForm(Form):
    """?period=day|week|month|custom, ?on=<a date in the day, week or month>, ?start=&end= for a custom range."""

    period = SelectField(choices=[SelectChoice(kind) for kind in PERIOD_KINDS], default="month")
    on = DateField(validators=[Optional()])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])

    def to_period(self, today) -> Period | None:
        """The chosen period, or None with the reasons on the fields."""
        if not self.validate():
            return None
        if self.period.data != "custom":
            return Period.around(self.period.data, self.on.data or today)
        for field in (self.start, self.end):
            if field.data is None and not field.errors:
                field_errors(field).append(_l("Enter a date."))
        start, end = self.start.data, self.end.data
        if self.errors or start is None or end is None:  # a missing date has its error by now
            return None
        try:
            rules.check_range(start, end, end_field="end")
        except ValidationError as exc:
            apply_errors(self, exc.fields)
            return None
        return Period("custom", start, end)

    def query(self, period: Period) -> dict:
        """The GET parameters that show period again."""
        if period.kind == "custom":
            return {"period": "custom", "start": period.start.isoformat(), "end": period.end.isoformat()}
        return {"period": period.kind, "on": period.start.isoformat()}


EXPORTS = (
    SelectChoice("org", _l("Hours by organisation")),
    SelectChoice("type", _l("Hours by task type")),
    SelectChoice("volunteer", _l("Hours by volunteer")),
    SelectChoice("month", _l("Hours by month")),
    SelectChoice("day", _l("Hours by day")),
    SelectChoice("party", _l("Hours of Party members and other volunteers")),
    SelectChoice("branch", _l("Hours by Party branch")),
    SelectChoice("team", _l("Hours by team")),
    SelectChoice("ledger", _l("Every service record (the ledger rows)")),
)
FILE_TYPES = (SelectChoice("xlsx", _l("Excel (XLSX)")), SelectChoice("csv", "CSV"))


class ExportForm(PeriodForm):
    """An export of the dashboard's period: one of its tables or the ledger rows, as CSV or XLSX (a POST)."""

    what = RadioField(_l("What to export"), choices=EXPORTS, default="org")
    format = RadioField(_l("File type"), choices=FILE_TYPES, default="xlsx")

    @property
    def kind(self) -> str:
        return "ledger" if self.what.data == "ledger" else "table"

    @property
    def group_by(self) -> str | None:
        return None if self.what.data == "ledger" else self.what.data
