"""Certificate pages: a volunteer's certificates and the request form, a certificate's result page and PDF,
the public verification page, and revocation by an issuing organisation."""

from datetime import date
from typing import cast

import segno
from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from volunteer_hub.certificates import queries, services, texts
from volunteer_hub.certificates.forms import ALIASES, CertificateForm, RevokeForm
from volunteer_hub.certificates.models import CertificateStatus, normalise_code
from volunteer_hub.certificates.pdf import as_download
from volunteer_hub.certificates.throttle import lookup_limits
from volunteer_hub.core.errors import Conflict, NotAllowed, ValidationError
from volunteer_hub.core.forms import apply_errors
from volunteer_hub.core.responses import no_store
from volunteer_hub.core.timeutil import now, to_local

bp = Blueprint("certificates", __name__)
bp.add_app_template_filter(texts.hours, "cert_hours")
bp.add_app_template_filter(texts.long_date, "cert_date")
bp.add_app_template_filter(texts.short_date, "cert_short_date")
bp.add_app_template_filter(texts.content_summary, "cert_content")
bp.add_app_template_filter(texts.status_label, "cert_status")

RELOAD_FOR_S = 120  # a pending certificate's page refreshes itself this long; a worker needs seconds


@bp.app_template_filter("cert_qr_svg")
def cert_qr_svg(url: str) -> Markup:
    """The QR code of a URL as inline SVG (no image request, sharp at any zoom)."""
    return Markup(segno.make(url, error="m").svg_inline(scale=5, border=2, svgclass="cert-qr"))


def _period(form: CertificateForm) -> tuple[date | None, date | None]:
    today = to_local(now()).date()
    if form.period.data == "year":
        return date(today.year, 1, 1), today
    if form.period.data == "custom":
        return form.date_from.data, form.date_to.data
    return None, None  # everything up to today


@bp.route("/me/certificates", methods=["GET", "POST"])
@login_required
def index():
    """My certificates with their status, and the form that asks for a new one (free, 办法 §14)."""
    form = CertificateForm(locale=str(get_locale() or "zh"))
    if form.validate_on_submit():
        start, end = _period(form)
        try:
            certificate, _created = services.request_certificate(current_user, start, end, form.locale.data)
        except ValidationError as exc:
            apply_errors(form, exc.fields, ALIASES)
        except Conflict as exc:
            form.form_errors.append(str(exc.message))
        else:
            return redirect(url_for("certificates.detail", certificate_id=certificate.id))
    return render_template(
        "certificates/index.html", form=form, certificates=queries.list_for_volunteer(current_user.id)
    ), 400 if form.errors else 200


@bp.get("/me/certificates/<int:certificate_id>")
@login_required
def detail(certificate_id: int):
    """The result page of a request: being prepared (refreshes itself), ready with the PDF, or what went wrong."""
    certificate = services.get_own_certificate(current_user, certificate_id)
    waiting = (
        certificate.status == CertificateStatus.PENDING
        and (now() - certificate.created_at).total_seconds() < RELOAD_FOR_S
    )
    return render_template(
        "certificates/detail.html",
        cert=certificate,
        waiting=waiting,
        verify_url=services.verification_url(certificate.code),
        in_wechat="MicroMessenger" in request.user_agent.string,
    )


@bp.get("/me/certificates/<int:certificate_id>.pdf")
@login_required
def download(certificate_id: int):
    """The PDF of one of my certificates."""
    certificate = services.get_own_certificate(current_user, certificate_id)
    return as_download(services.ready_pdf(certificate), certificate.code)


@bp.get("/cert")
def lookup():
    """Type a certificate's code (from paper) to reach its verification page."""
    raw = request.args.get("code", "")
    if raw and normalise_code(raw):
        return redirect(url_for("certificates.verify", code=normalise_code(raw)))
    return render_template("certificates/lookup.html", code=raw, missing=bool(raw))


@bp.get("/cert/<code>")
@lookup_limits
@no_store
def verify(code: str):
    """The public verification page: the certificate's facts and whether it is valid; nothing more personal."""
    certificate = queries.get_by_code(code)
    if certificate is None:
        return render_template("certificates/lookup.html", code=code, missing=True), 404
    if certificate.code != code:
        return redirect(url_for("certificates.verify", code=certificate.code))
    response = make_response(
        render_template(
            "certificates/verify.html",
            cert=certificate,
            can_revoke=certificate.status in (CertificateStatus.PENDING, CertificateStatus.READY)
            and services.can_revoke(current_user, certificate),
        )
    )
    response.headers["X-Robots-Tag"] = "noindex, nofollow"  # names stay out of search engines
    return response


@bp.route("/cert/<code>/revoke", methods=["GET", "POST"])
@login_required
def revoke(code: str):
    """An organizer of an issuing organisation withdraws a certificate, saying why."""
    certificate = services.get_by_code(code)
    if not services.can_revoke(current_user, certificate):
        raise NotAllowed(_("Only organizers of an organisation that issued this certificate can revoke it."))
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke_certificate(current_user, certificate, cast(str, form.reason.data))  # posted: a string
        except ValidationError as exc:
            apply_errors(form, exc.fields)
        except Conflict as exc:
            flash(str(exc.message), "error")
            return redirect(url_for("certificates.verify", code=certificate.code))
        else:
            flash(_("The certificate was revoked. Its verification page now says so."), "success")
            return redirect(url_for("certificates.verify", code=certificate.code))
    return render_template("certificates/revoke.html", cert=certificate, form=form), 400 if form.errors else 200
