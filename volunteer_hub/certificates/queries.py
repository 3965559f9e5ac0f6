"""Read side: the service records a certificate states, and certificates by owner or code."""

from datetime import date

import sqlalchemy as sa

from volunteer_hub.certificates.models import Certificate, CertificateStatus, normalise_code
from volunteer_hub.extensions import db
from volunteer_hub.hours.models import HourEntry
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.orgs.names import org_name


def services_in_period(volunteer_id: int, start: date, end: date, locale: str) -> list[dict]:
    """The volunteer's credited services whose service date lies in [start, end], oldest first, with the
    recording organisation's name in locale (the certificate's language).

    Corrections are folded into the entry they correct (following chains of corrections), so each service
    appears once with its net minutes; a correction written without an entry to correct (a missing record
    added later) is a service of its own. Services whose net time is zero or less were taken back and are
    left out.
    """
    rows = db.session.execute(
        sa.select(
            HourEntry.id,
            HourEntry.service_date,
            HourEntry.activity_name,
            HourEntry.service_content,
            HourEntry.task_type,
            HourEntry.org_id,
            Organisation.name,
            Organisation.name_en,
            HourEntry.minutes,
        )
        .join(Organisation, Organisation.id == HourEntry.org_id)
        .where(
            HourEntry.volunteer_id == volunteer_id,
            HourEntry.corrects_id.is_(None),
            HourEntry.service_date.between(start, end),
        )
        .order_by(HourEntry.service_date, HourEntry.id)
    ).all()
    services = {
        row.id: {
            "entry_id": row.id,
            "date": row.service_date.isoformat(),
            "activity": row.activity_name,
            "content": row.service_content,
            "task_type": row.task_type,
            "org_id": row.org_id,
            "org": org_name(row, locale),
            "minutes": row.minutes,
            "corrected": False,
        }
        for row in rows
    }
    corrections = db.session.execute(
        sa.select(HourEntry.id, HourEntry.corrects_id, HourEntry.minutes).where(
            HourEntry.volunteer_id == volunteer_id, HourEntry.corrects_id.is_not(None)
        )
    ).all()
    corrects = {row.id: row.corrects_id for row in corrections}
    for row in corrections:
        root = row.corrects_id
        while root in corrects:
            root = corrects[root]
        if root in services:
            services[root]["minutes"] += row.minutes
            services[root]["corrected"] = True
    return [service for service in services.values() if service["minutes"] > 0]


def first_service_date(volunteer_id: int, since: date) -> date | None:
    """The earliest service date on or after since in the volunteer's record."""
    return db.session.execute(
        sa.select(sa.func.min(HourEntry.service_date)).where(
            HourEntry.volunteer_id == volunteer_id, HourEntry.service_date >= since
        )
    ).scalar_one()


def list_for_volunteer(volunteer_id: int, limit: int = 50) -> list[Certificate]:
    """The volunteer's certificates, newest first."""
    return list(
        db.session.execute(
            sa.select(Certificate)
            .where(Certificate.volunteer_id == volunteer_id)
            .order_by(Certificate.id.desc())
            .limit(limit)
        ).scalars()
    )


def get_by_code(raw_code: str) -> Certificate | None:
    """The certificate with this verification code (typed in any case, with or without separators)."""
    code = normalise_code(raw_code or "")
    if not code or len(code) > 16:
        return None
    return db.session.execute(sa.select(Certificate).where(Certificate.code == code)).scalar_one_or_none()


def find_same(volunteer_id: int, start: date, end: date, locale: str, facts: dict) -> Certificate | None:
    """A pending or ready certificate that states exactly these facts (a repeated request gets it back)."""
    candidates = db.session.execute(
        sa.select(Certificate)
        .where(
            Certificate.volunteer_id == volunteer_id,
            Certificate.period_from == start,
            Certificate.period_to == end,
            Certificate.locale == locale,
            Certificate.status.in_((CertificateStatus.PENDING, CertificateStatus.READY)),
        )
        .order_by(Certificate.id.desc())
    ).scalars()
    return next((cert for cert in candidates if _facts(cert.content) == facts), None)


def _facts(content: dict) -> dict:
    return {key: value for key, value in content.items() if key != "issued_on"}
