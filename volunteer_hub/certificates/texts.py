"""How a certificate's facts read, shared by the PDF, the pages and the API: hours with two decimals,
dates, the service-content summary and the status in words; and the words of the certificate notifications."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _

from volunteer_hub import catalogue
from volunteer_hub.certificates.models import Certificate, CertificateStatus
from volunteer_hub.core.timeutil import to_local
from volunteer_hub.notifications.texts import notification_text


def _locale(locale: str | None) -> str:
    return locale or str(get_locale() or "zh")


def plain_hours(minutes: int) -> str:
    """'36.50': hours with two decimals, rounded half up, as the API states them."""
    return str((Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def hours(minutes: int, locale: str | None = None) -> str:
    """'1,236.50' for people, in their locale."""
    return format_decimal(Decimal(plain_hours(minutes)), format="#,##0.00", locale=_locale(locale))


def _day(value: str | datetime) -> date:
    """A frozen ISO date, or the local day of a stored UTC time."""
    return to_local(value).date() if isinstance(value, datetime) else date.fromisoformat(value)


def long_date(value: str | datetime, locale: str | None = None) -> str:
    """2024年2月3日 / February 3, 2024."""
    return format_date(_day(value), format="long", locale=_locale(locale))


def short_date(value: str | datetime, locale: str | None = None) -> str:
    """2024年2月3日 / Feb 3, 2024."""
    return format_date(_day(value), format="medium", locale=_locale(locale))


def list_names(names: list[str], locale: str | None = None) -> str:
    """'民治社区、白石龙社区和新区社区' / 'A, B and C'."""
    return format_list(names, locale=_locale(locale)) if names else ""


def content_summary(content: dict, locale: str | None = None) -> str:
    """The service content as kinds of service with their hours: '卡口值守 24.00 小时、消杀 4.00 小时'."""
    locale = _locale(locale)
    parts = [
        _(
            "%(service)s %(hours)s hours",
            service=catalogue.task_type_name(item["task_type"], locale),
            hours=hours(item["minutes"], locale),
        )
        for item in content.get("content", [])
    ]
    return list_names(parts, locale)


def status_label(certificate: Certificate) -> str:
    """Where a certificate stands, in words."""
    match certificate.status:
        case CertificateStatus.PENDING:
            return _("Being prepared")
        case CertificateStatus.READY:
            return _("Valid")
        case CertificateStatus.FAILED:
            return _("Could not be issued")
        case CertificateStatus.REVOKED:
            return _("Revoked")
    return certificate.status


@notification_text("certificate_revoked")
def certificate_revoked(p: dict) -> str:
    return _(
        "Your certificate %(code)s was revoked by an issuing organisation: %(reason)s",
        code=p.get("code", ""),
        reason=p.get("reason", ""),
    )
