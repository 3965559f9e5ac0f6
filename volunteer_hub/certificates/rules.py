"""What a certificate request and a revocation must satisfy."""

from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer_hub.certificates.models import Certificate, CertificateStatus
from volunteer_hub.core.errors import Conflict, ValidationError

MAX_PERIOD_YEARS = 10
REASON_MAX = 500


def check_period(start: date, end: date, today: date) -> None:
    """A period that ends by today, starts before it ends and spans at most ten years."""
    errors = {}
    if end > today:
        errors["to"] = _l("The period cannot end after today.")
    if start > end:
        errors["from"] = _l("The start of the period must be on or before its end.")
    elif _add_years(start, MAX_PERIOD_YEARS) <= end:
        errors["from"] = _l(
            "A certificate covers at most %(years)d years; choose a shorter period.", years=MAX_PERIOD_YEARS
        )
    if errors:
        raise ValidationError(fields=errors)


def check_locale(locale: str) -> None:
    if locale not in current_app.config["LANGUAGES"]:
        raise ValidationError(fields={"locale": _l("Choose Chinese (zh) or English (en).")})


def check_has_hours(services: list) -> None:
    if not services:
        raise Conflict(
            _l("You have no confirmed service hours in this period, so there is nothing to certify."), code="no_hours"
        )


def check_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise ValidationError(fields={"reason": _l("Say why the certificate is revoked.")})
    if len(reason) > REASON_MAX:
        raise ValidationError(fields={"reason": _l("Use at most %(max)d characters.", max=REASON_MAX)})


def check_revocable(certificate: Certificate) -> None:
    if certificate.status == CertificateStatus.REVOKED:
        raise Conflict(_l("This certificate was already revoked."), code="already_revoked")
    if certificate.status == CertificateStatus.FAILED:
        raise Conflict(_l("This certificate was never issued, so there is nothing to revoke."), code="not_issued")


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)
