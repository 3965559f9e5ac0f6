"""Certificates of service: ask for one, list mine, download its PDF, verify one by its code (public),
revoke one (organizers of an issuing organisation)."""

from datetime import date

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.certificates import queries, services, texts
from volunteer_hub.certificates.pdf import as_download
from volunteer_hub.certificates.rules import REASON_MAX
from volunteer_hub.certificates.throttle import lookup_limits
from volunteer_hub.core.api import Blueprint
from volunteer_hub.core.schemas import LocalDateTime, Schema, Text

blp = Blueprint("api_certificates", __name__, description="Certificates of service and their public verification")


class CertificateRequestIn(Schema):
    from_ = fields.Date(
        data_key="from",
        load_default=None,
        metadata={"description": "First day of the period (local date). Default: the day of my first service."},
    )
    to = fields.Date(load_default=None, metadata={"description": "Last day of the period. Default: today."})
    locale = fields.String(
        load_default=None,
        metadata={"description": "Language of the PDF. Default: my language."},
        validate=validate.OneOf(("zh", "en"), error=_l("Choose one of: {choices}.")),
    )


class CertificateOut(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True, metadata={"description": "The public verification code."})
    status = fields.String(required=True, metadata={"description": "pending, ready, failed or revoked."})
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    locale = fields.String()
    total_minutes = fields.Integer()
    total_hours = fields.String(metadata={"example": "36.50"})
    created_at = LocalDateTime()
    issued_at = LocalDateTime(allow_none=True)
    revoked_at = LocalDateTime(allow_none=True)
    revoked_reason = fields.String(allow_none=True)
    verify_url = fields.String()
    pdf_url = fields.String(allow_none=True, metadata={"description": "Set once the PDF is ready."})


class CertificateListOut(Schema):
    items = fields.List(fields.Nested(CertificateOut))


class IssuerOut(Schema):
    name = fields.String()
    minutes = fields.Integer()
    hours = fields.String()


class ServiceRecordOut(Schema):
    date = fields.Date()
    activity = fields.String()
    content = fields.String()
    task_type = fields.String()
    organisation = fields.String()
    minutes = fields.Integer()
    hours = fields.String()
    corrected = fields.Boolean(metadata={"description": "A correction by the recording unit is included."})


class CertificateVerificationOut(Schema):
    code = fields.String(required=True)
    valid = fields.Boolean(required=True, metadata={"description": "Issued and not revoked."})
    status = fields.String(required=True)
    volunteer_name = fields.String()
    volunteer_no = fields.String()
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    total_minutes = fields.Integer()
    total_hours = fields.String()
    issued_on = fields.Date()
    issuers = fields.List(fields.Nested(IssuerOut))
    services = fields.List(fields.Nested(ServiceRecordOut))
    revoked_at = LocalDateTime(allow_none=True)


class RevokeIn(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=REASON_MAX))


def certificate_out(certificate) -> dict:
    ready = certificate.status == "ready"
    return {
        "id": certificate.id,
        "code": certificate.code,
        "status": certificate.status,
        "from_": certificate.period_from,
        "to": certificate.period_to,
        "locale": certificate.locale,
        "total_minutes": certificate.total_minutes,
        "total_hours": texts.plain_hours(certificate.total_minutes),
        "created_at": certificate.created_at,
        "issued_at": certificate.issued_at,
        "revoked_at": certificate.revoked_at,
        "revoked_reason": certificate.revoked_reason,
        "verify_url": services.verification_url(certificate.code),
        "pdf_url": f"/api/v1/certificates/{certificate.id}.pdf" if ready else None,
    }


def verification_out(certificate) -> dict:
    """What anyone may learn from a code: the certificate's own facts, never a phone or ID number."""
    content = certificate.content
    return {
        "code": certificate.code,
        "valid": certificate.is_valid,
        "status": certificate.status,
        "volunteer_name": content["volunteer"]["name"],
        "volunteer_no": content["volunteer"]["no"],
        "from_": certificate.period_from,
        "to": certificate.period_to,
        "total_minutes": certificate.total_minutes,
        "total_hours": texts.plain_hours(certificate.total_minutes),
        "issued_on": date.fromisoformat(content["issued_on"]),
        "issuers": [
            {"name": issuer["name"], "minutes": issuer["minutes"], "hours": texts.plain_hours(issuer["minutes"])}
            for issuer in content["issuers"]
        ],
        "services": [
            {
                "date": date.fromisoformat(service["date"]),
                "activity": service["activity"],
                "content": service["content"],
                "task_type": service["task_type"],
                "organisation": service["org"],
                "minutes": service["minutes"],
                "hours": texts.plain_hours(service["minutes"]),
                "corrected": service["corrected"],
            }
            for service in content["services"]
        ],
        "revoked_at": certificate.revoked_at,
    }


@blp.post("/me/certificates")
@blp.arguments(CertificateRequestIn)
@blp.response(201, CertificateOut)
@blp.alt_response(200, schema=CertificateOut, description="The same request again: the existing certificate.")
@blp.errors(400, 401, 409)
@auth_required
def request_certificate(data, user):
    """Ask for a certificate of my service in a period, free of charge. Its facts are fixed now; the PDF
    follows within seconds (status pending → ready). 409 `no_hours` when the period has no confirmed hours."""
    certificate, created = services.request_certificate(user, data["from_"], data["to"], data["locale"])
    return certificate_out(certificate), 201 if created else 200


@blp.get("/me/certificates")
@blp.response(200, CertificateListOut)
@blp.errors(401)
@auth_required
def my_certificates(user):
    """My certificates, newest first."""
    return {"items": [certificate_out(c) for c in queries.list_for_volunteer(user.id)]}


@blp.get("/certificates/<int:certificate_id>.pdf")
@blp.response(
    200,
    {"type": "string", "format": "binary"},
    content_type="application/pdf",
    description="The certificate as a PDF file.",
)
@blp.errors(401, 404, 409)
@auth_required
def certificate_pdf(certificate_id, user):
    """The PDF of one of my certificates; 409 while it is being made (or when revoked), 404 for anyone else's."""
    certificate = services.get_own_certificate(user, certificate_id)
    return as_download(services.ready_pdf(certificate), certificate.code)


@blp.get("/certificates/<code>")
@blp.response(200, CertificateVerificationOut)
@blp.errors(404, 429)
@lookup_limits
def verify_certificate(code):
    """Public, no token: what a certificate states and whether it is valid. Unknown codes are throttled."""
    return verification_out(services.get_by_code(code))


@blp.post("/certificates/<code>/revoke")
@blp.arguments(RevokeIn)
@blp.response(200, CertificateVerificationOut)
@blp.errors(400, 401, 403, 404, 409)
@auth_required
def revoke_certificate(data, code, user):
    """Revoke a certificate with a reason (organizers of an organisation that issued it)."""
    return verification_out(services.revoke_certificate(user, services.get_by_code(code), data["reason"]))
