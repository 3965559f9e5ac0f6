"""The insurance packet of an injury as an A4 PDF, made by the certificates' engine (reportlab's built-in Chinese
font, the same styles and tables), in the reader's language, synchronously: it is one or two pages."""

import io
from xml.sax.saxutils import escape

from flask import Response
from flask_babel import get_locale
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from volunteer_hub.certificates import pdf as engine
from volunteer_hub.core.formatting import clock, full_date, service_hours, shift_span, when
from volunteer_hub.incidents import texts
from volunteer_hub.orgs.names import org_name


def render(facts: dict) -> bytes:
    """The packet from insurance_facts(): the incident, the injured, the shift, attendance, confirmed time, the
    organisation and the person in charge."""
    locale = str(get_locale() or "zh")
    style = engine.styles("en" if locale.startswith("en") else "zh")
    buffer = io.BytesIO()
    incident = facts["incident"]
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=engine.MARGIN,
        rightMargin=engine.MARGIN,
        topMargin=engine.MARGIN,
        bottomMargin=engine.MARGIN,
        title=_("Incident report for the insurer"),
        subject=_("Incident %(id)s", id=incident.id),
        author=org_name(facts["org"]),
        creator="Volunteer Hub",
    )
    story = [
        Paragraph(escape(_("Incident report for the insurer")), style["title"]),
        Paragraph(
            escape(_("Incident %(id)s · made %(when)s", id=incident.id, when=when(facts["generated_at"]))),
            style["number"],
        ),
        Spacer(1, 4 * mm),
        *_incident(facts, style),
        *_people(facts, style),
        *_organisation(facts, style),
        Spacer(1, 4 * mm),
        Paragraph(
            escape(
                _(
                    "Made from the platform's records. Personal data: for the insurance claim only; do not pass "
                    "it on for any other purpose."
                )
            ),
            style["small"],
        ),
    ]
    doc.build(story)
    return buffer.getvalue()


def as_download(document: bytes, incident_id: int) -> Response:
    """The PDF as an HTTP download that nothing keeps (it holds phone numbers)."""
    response = Response(document, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="incident-{incident_id}-insurance.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _stamp(value) -> str:
    """A date and time in full, as a record for someone outside reads it: 2026年12月8日 03:02."""
    return f"{full_date(value)} {clock(value)}"


def _pairs(rows: list[tuple[str, str]], style: dict):
    return engine.table([[_("Item"), _("Details")], *[[label, value] for label, value in rows]], style, (40 * mm, None))


def _incident(facts: dict, style: dict) -> list:
    incident, task, shift = facts["incident"], facts["task"], facts["shift"]
    rows = [
        (_("Category"), texts.category_label(incident.category)),
        (_("Severity"), texts.severity_label(incident.severity)),
        (_("Status"), texts.status_label(incident.status)),
        (_("Occurred at"), _stamp(incident.occurred_at)),
        (_("Post"), task.title),
        (_("Address"), task.address or "—"),
        (_("Shift"), shift_span(shift.starts_at, shift.ends_at) if shift else "—"),
        (_("Reported by"), f"{facts['reporter'].name} · {when(incident.created_at)}"),
        (_("What happened"), incident.description),
    ]
    story = [Paragraph(escape(_("The incident")), style["heading"]), _pairs(rows, style)]
    if facts["updates"]:
        story += [
            Paragraph(escape(_("Follow-ups")), style["heading"]),
            engine.table(
                [[_("Time"), _("By"), _("Follow-up")]]
                + [
                    [when(u["created_at"]), u["author"], u["text"] + (f"\n({_('closed')})" if u["closes"] else "")]
                    for u in facts["updates"]
                ],
                style,
                (32 * mm, 30 * mm, None),
            ),
        ]
    return story


def _people(facts: dict, style: dict) -> list:
    story = []
    for person in facts["people"]:
        user = person["user"]
        insurance = user.insurance_provider or "—"
        if user.insurance_valid_until:
            insurance += " " + _("(valid until %(date)s)", date=user.insurance_valid_until.isoformat())
        minutes = person["minutes"]
        story += [
            Paragraph(escape(_("Injured volunteer: %(name)s", name=user.name)), style["heading"]),
            _pairs(
                [
                    (_("Name"), user.name),
                    (_("Volunteer number"), user.volunteer_no),
                    (_("Phone"), user.phone),
                    (_("Date of birth"), user.birth_date.isoformat() if user.birth_date else "—"),
                    (_("Insurance"), insurance),
                    (
                        _("Confirmed service time"),
                        _("%(hours)s hours", hours=service_hours(minutes))
                        if minutes is not None
                        else _("Not confirmed yet"),
                    ),
                ],
                style,
            ),
            Paragraph(escape(_("Attendance records")), style["heading"]),
            _attendance(person, style),
        ]
    return story


def _attendance(person: dict, style: dict):
    events = person["events"]
    if not events:
        return Paragraph(escape(_("No attendance record on this shift.")), style["body"])
    return engine.table(
        [[_("Time"), _("Record"), _("Distance"), _("Recorded offline")]]
        + [
            [
                _stamp(e.created_at),
                texts.attendance_label(e.kind, e.method),
                _("%(m)d m", m=round(e.distance_m)) if e.distance_m is not None else "—",
                _("yes, received %(when)s", when=when(e.received_at)) if e.offline and e.received_at else "—",
            ]
            for e in events
        ],
        style,
        (45 * mm, None, 22 * mm, 38 * mm),
    )


def _organisation(facts: dict, style: dict) -> list:
    task = facts["task"]
    organizers = ", ".join(f"{u.name} {u.phone}" for u in facts["organizers"]) or "—"
    return [
        Paragraph(escape(_("Organisation and person in charge")), style["heading"]),
        _pairs(
            [
                (_("Organisation"), org_name(facts["org"])),
                (_("Person in charge"), task.leader_name or "—"),
                (_("Organizers"), organizers),
            ],
            style,
        ),
    ]
