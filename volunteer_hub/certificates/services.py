"""Certificates of service (办法 §14–§17): a volunteer asks for one for a period, free of charge; its facts are
frozen at once and a job makes the PDF; anyone can verify it by its code; an issuing organisation can revoke it.

Whoever records certifies (谁记录谁证明): a certificate is issued in the name of the organisations that
recorded the hours it counts, each with its share.
"""

import logging
from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from volunteer_hub import outbox
from volunteer_hub.accounts.models import User
from volunteer_hub.audit.services import record as audit
from volunteer_hub.certificates import pdf, queries, rules
from volunteer_hub.certificates.models import Certificate, CertificateStatus, new_code
from volunteer_hub.core.db import updated_rows
from volunteer_hub.core.errors import Conflict, NotAllowed, NotFound
from volunteer_hub.core.links import external_url
from volunteer_hub.core.timeutil import now, to_local
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.hours.rules import EARLIEST_SERVICE_DATE
from volunteer_hub.notifications.services import notify
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.orgs.permissions import can_manage

log = logging.getLogger(__name__)
NOT_FOUND = _l("There is no such certificate.")


def request_certificate(
    user: User, start: date | None = None, end: date | None = None, locale: str | None = None
) -> tuple[Certificate, bool]:
    """Freeze the facts of a certificate for [start, end] and start making its PDF; (certificate, created).

    Without a start the period begins at the volunteer's first service since EARLIEST_SERVICE_DATE (a record
    dated earlier, stored before such dates were refused, would make the period too long to certify); without an
    end it ends today. A request that would state exactly the same as a pending or ready certificate
    returns that one (a repeated tap does not issue twice).
    """
    today = to_local(now()).date()
    locale = locale or str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    rules.check_locale(locale)
    end = end or today
    start = start or min(queries.first_service_date(user.id, EARLIEST_SERVICE_DATE) or end, end)
    rules.check_period(start, end, today)
    services = queries.services_in_period(user.id, start, end, locale)
    rules.check_has_hours(services)
    facts = _facts(user, start, end, services)
    same = queries.find_same(user.id, start, end, locale, facts)
    if same is not None:
        return same, False
    certificate = Certificate(
        code=new_code(),
        volunteer_id=user.id,
        period_from=start,
        period_to=end,
        locale=locale,
        total_minutes=facts["total_minutes"],
        content={**facts, "issued_on": today.isoformat()},
        status=CertificateStatus.PENDING,
    )
    return atomic(_issue, certificate), True


def _facts(user: User, start: date, end: date, services: list[dict]) -> dict:
    by_org: dict[int, dict] = {}
    by_type: dict[str, int] = defaultdict(int)
    for service in services:
        issuer = by_org.setdefault(
            service["org_id"], {"org_id": service["org_id"], "name": service["org"], "minutes": 0}
        )
        issuer["minutes"] += service["minutes"]
        by_type[service["task_type"]] += service["minutes"]
    return {
        "volunteer": {"name": user.name, "no": user.volunteer_no},
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "total_minutes": sum(service["minutes"] for service in services),
        "issuers": sorted(by_org.values(), key=lambda issuer: (-issuer["minutes"], issuer["name"])),
        "content": [
            {"task_type": code, "minutes": minutes}
            for code, minutes in sorted(by_type.items(), key=lambda item: (-item[1], item[0]))
        ],
        "services": services,
    }


def _issue(certificate: Certificate) -> Certificate:
    db.session.add(certificate)
    db.session.flush()
    audit(
        certificate.volunteer_id,
        "certificate.requested",
        "certificate",
        certificate.id,
        code=certificate.code,
        period_from=certificate.period_from.isoformat(),
        period_to=certificate.period_to.isoformat(),
        total_minutes=certificate.total_minutes,
    )
    outbox.record("volunteer_hub.certificates.jobs.render_certificate", certificate_id=certificate.id)
    return certificate


def render_certificate(certificate_id: int) -> None:
    """Make and store the PDF of a pending certificate; a certificate that is gone, done or revoked is left
    alone, so a repeated run changes nothing."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.status != CertificateStatus.PENDING:
        return
    try:
        document = pdf.render(certificate, verification_url(certificate.code))
    except Exception as exc:  # the same facts would fail again: stop and say so rather than retry
        log.warning("certificate %s: the PDF could not be made (%r)", certificate.id, exc)
        atomic(_finish, certificate.id, status=CertificateStatus.FAILED, error=repr(exc)[:500])
        return
    atomic(_finish, certificate.id, status=CertificateStatus.READY, pdf=document, issued_at=now())


def _finish(certificate_id: int, **values) -> None:
    # Conditional: a revocation that arrived while the PDF was being made wins.
    db.session.execute(
        sa.update(Certificate)
        .where(Certificate.id == certificate_id, Certificate.status == CertificateStatus.PENDING)
        .values(**values)
    )


def verification_url(code: str) -> str:
    """The absolute public address of a certificate's verification page (its QR code and printed link)."""
    return external_url("certificates.verify", code=code)


def get_own_certificate(user: User, certificate_id: int) -> Certificate:
    """One of the user's certificates; another person's looks exactly like a missing one."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.volunteer_id != user.id:
        raise NotFound(NOT_FOUND)
    return certificate


def get_by_code(code: str) -> Certificate:
    """The certificate a verification code names."""
    certificate = queries.get_by_code(code)
    if certificate is None:
        raise NotFound(NOT_FOUND, code="no_such_certificate")
    return certificate


def ready_pdf(certificate: Certificate) -> bytes:
    """The stored PDF of a valid certificate; a conflict saying why there is none to hand out."""
    if certificate.status == CertificateStatus.REVOKED:
        raise Conflict(
            _l("This certificate was revoked, so it can no longer be downloaded."), code="certificate_revoked"
        )
    if certificate.status == CertificateStatus.FAILED:
        raise Conflict(_l("This certificate could not be made. Please ask for it again."), code="certificate_failed")
    if certificate.status != CertificateStatus.READY or certificate.pdf is None:
        raise Conflict(
            _l("The PDF of this certificate is not ready yet. Try again in a moment."), code="certificate_not_ready"
        )
    return certificate.pdf


def can_revoke(user, certificate: Certificate) -> bool:
    """Organizers of any issuing organisation (or above it) may revoke a certificate."""
    if not getattr(user, "is_authenticated", False) or not certificate.issuer_org_ids:
        return False
    orgs = db.session.execute(sa.select(Organisation).where(Organisation.id.in_(certificate.issuer_org_ids))).scalars()
    return any(can_manage(user, org) for org in orgs)


def revoke_certificate(actor: User, certificate: Certificate, reason: str) -> Certificate:
    """Withdraw a certificate with a reason: its verification page says so from now on, the volunteer is
    told, and the audit log keeps who did it and why."""
    if not can_revoke(actor, certificate):
        raise NotAllowed(_l("Only organizers of an organisation that issued this certificate can revoke it."))
    rules.check_revocable(certificate)
    rules.check_reason(reason)
    return atomic(_revoke, actor, certificate, reason.strip())


def _revoke(actor: User, certificate: Certificate, reason: str) -> Certificate:
    revoked_at = now()
    changed = updated_rows(
        db.session.execute(
            sa.update(Certificate)
            .where(
                Certificate.id == certificate.id,
                Certificate.status.in_((CertificateStatus.PENDING, CertificateStatus.READY)),
            )
            .values(status=CertificateStatus.REVOKED, revoked_at=revoked_at, revoked_reason=reason)
        )
    )
    if not changed:
        raise Conflict(_l("This certificate was already revoked."), code="already_revoked")
    audit(actor.id, "certificate.revoked", "certificate", certificate.id, code=certificate.code, reason=reason)
    notify(
        certificate.volunteer_id,
        "certificate_revoked",
        dedupe_key=f"certificate_revoked:{certificate.id}",
        code=certificate.display_code,
        reason=reason,
    )
    db.session.refresh(certificate)
    return certificate
