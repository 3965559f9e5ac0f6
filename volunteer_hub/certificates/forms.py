"""Certificate forms: the period and language of a request, and the reason for a revocation."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional

from volunteer_hub.certificates.rules import REASON_MAX
from volunteer_hub.core.forms import FlaskForm, SelectChoice, field_errors

PERIODS = (
    SelectChoice("all", _l("All my service")),
    SelectChoice("year", _l("This year")),
    SelectChoice("custom", _l("Choose dates")),
)
LANGUAGES = (SelectChoice("zh", "中文"), SelectChoice("en", "English"))
# Service field names -> form field names.
ALIASES = {"from": "date_from", "to": "date_to"}


class CertificateForm(FlaskForm):
    period = RadioField(_l("Period"), choices=PERIODS, default="all")
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    locale = SelectField(_l("Language of the certificate"), choices=LANGUAGES)

    def validate(self, extra_validators=None) -> bool:
        """Chosen dates need both ends."""
        valid = super().validate(extra_validators)
        if self.period.data == "custom":
            for field in (self.date_from, self.date_to):
                if field.data is None and not field.errors:
                    field_errors(field).append(_l("Enter a date."))
                    valid = False
        return valid


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Why is the certificate revoked?"),
        render_kw={"maxlength": REASON_MAX, "rows": 4},
        validators=[InputRequired(_l("Say why the certificate is revoked."))],
    )
