"""The PDF job: a real PDF with reportlab's Chinese font and a QR link to the verification page, in the language
asked for, made once, and a failure said plainly."""

from datetime import date

import pytest
import sqlalchemy as sa
import time_machine
from flask_babel import force_locale
from flask_babel import gettext as _

from tests.certificates.conftest import pdf_text
from volunteer_hub.certificates import jobs, pdf, services
from volunteer_hub.certificates.models import Certificate
from volunteer_hub.extensions import db
from volunteer_hub.orgs.models import Organisation


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel("2024-06-15 10:00 +08:00", tick=False):
        yield


@pytest.fixture
def issue(make_user, make_org, make_entry):
    """issue(locale) -> a pending certificate of 李晓明's service for 民治社区 and 白石龙社区."""

    def do(locale="zh"):
        volunteer = make_user("李晓明")
        make_entry(volunteer, make_org("民治社区"), date(2024, 2, 3), 240)
        make_entry(volunteer, make_org("白石龙社区"), date(2024, 3, 2), 90, activity="入户调查")
        certificate, _ = services.request_certificate(volunteer, date(2024, 1, 1), date(2024, 6, 15), locale)
        return certificate

    return do


def reload(certificate_id):
    db.session.expire_all()
    return db.session.get(Certificate, certificate_id)


def test_the_job_stores_a_real_pdf_that_links_to_the_verification_page(ctx, app, issue):
    certificate = issue()

    jobs.render_certificate(certificate.id)

    stored = reload(certificate.id)
    assert stored.status == "ready" and stored.issued_at is not None
    assert stored.pdf.startswith(b"%PDF-")
    assert b"/BaseFont /STSong-Light" in stored.pdf  # reportlab's built-in CJK font, nothing embedded
    verify_url = services.verification_url(certificate.code)
    assert f"/URI ({verify_url})".encode() in stored.pdf  # the QR code and the printed address are links
    text = pdf_text(stored.pdf)
    assert certificate.display_code in text
    for fact in ("李晓明", stored.content["volunteer"]["no"], "民治社区", "白石龙社区", "入户调查", "5.50"):
        assert fact in text


def test_the_qr_code_encodes_the_public_address_from_the_configuration(ctx, app, issue, monkeypatch):
    certificate = issue()
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://zhiyuan.example.cn/hub")

    assert services.verification_url(certificate.code) == f"https://zhiyuan.example.cn/hub/cert/{certificate.code}"


def test_english_on_request_labels_the_pdf_in_english_and_keeps_names_as_written(ctx, issue):
    certificate = issue("en")

    jobs.render_certificate(certificate.id)

    text = pdf_text(reload(certificate.id).pdf)
    assert "Certificate of Volunteer Service" in text
    assert "Recording organisations" in text
    assert "民治社区" in text and "Feb 3, 2024" in text


@pytest.mark.parametrize(
    ("locale", "shown", "hidden"),
    [("en", "Baishilong Community", "白石龙社区"), ("zh", "白石龙社区", "Baishilong Community")],
)
def test_a_certificate_names_the_organisations_in_its_language(
    ctx, make_user, make_org, make_entry, locale, shown, hidden
):
    volunteer = make_user("李晓明")
    make_entry(volunteer, make_org("白石龙社区", name_en="Baishilong Community"), date(2024, 2, 3), 240)
    make_entry(volunteer, make_org("民治社区"), date(2024, 3, 2), 90)  # no English name: the Chinese one
    certificate, _ = services.request_certificate(volunteer, date(2024, 1, 1), date(2024, 6, 15), locale)

    jobs.render_certificate(certificate.id)

    text = pdf_text(reload(certificate.id).pdf)
    assert shown in text and "民治社区" in text and hidden not in text


def test_a_chinese_certificate_uses_the_chinese_labels(ctx, issue):
    certificate = issue("zh")

    jobs.render_certificate(certificate.id)

    with force_locale("zh"):
        title = _("Certificate of Volunteer Service")
    text = pdf_text(reload(certificate.id).pdf)
    assert title in text and "2024年2月3日" in text


def test_running_the_job_again_changes_nothing(ctx, issue):
    certificate = issue()
    jobs.render_certificate(certificate.id)
    first = reload(certificate.id)
    made_at, document = first.issued_at, first.pdf

    jobs.render_certificate(certificate.id)

    again = reload(certificate.id)
    assert (again.issued_at, again.pdf) == (made_at, document)


def test_a_certificate_revoked_before_its_pdf_was_made_stays_revoked(ctx, issue, make_user, grant):
    certificate = issue()
    organizer = make_user("王书记")
    grant(organizer, _org("民治社区"))
    services.revoke_certificate(organizer, certificate, "重复申请")

    jobs.render_certificate(certificate.id)

    stored = reload(certificate.id)
    assert (stored.status, stored.pdf) == ("revoked", None)


def test_a_pdf_that_cannot_be_made_marks_the_certificate_failed_with_the_reason(ctx, issue, monkeypatch):
    certificate = issue()

    def broken(*args, **kwargs):
        raise ValueError("no glyph for this character")

    monkeypatch.setattr(pdf, "render", broken)
    jobs.render_certificate(certificate.id)

    stored = reload(certificate.id)
    assert stored.status == "failed" and "no glyph for this character" in stored.error


def test_a_long_record_runs_over_several_pages(ctx, make_user, make_org, make_entry):
    volunteer, org = make_user(), make_org()
    for day in range(1, 29):
        for month in range(1, 6):
            make_entry(volunteer, org, date(2024, month, day), 60)
    certificate, _ = services.request_certificate(volunteer, date(2024, 1, 1), date(2024, 6, 15), "zh")

    jobs.render_certificate(certificate.id)

    stored = reload(certificate.id)
    assert stored.status == "ready" and stored.pdf.count(b"/Type /Page\n") >= 3


def _org(name):
    return db.session.execute(sa.select(Organisation).where(Organisation.name == name)).scalar_one()


def test_the_pdf_job_links_to_the_public_address_or_else_the_local_server(app, issue, monkeypatch):
    with app.test_request_context():
        code = issue().code
    with app.app_context():  # a job: no request to take the host from
        assert services.verification_url(code) == f"http://127.0.0.1:5000/cert/{code}"
        monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://zhiyuan.example.cn")
        assert services.verification_url(code) == f"https://zhiyuan.example.cn/cert/{code}"
