"""The certificate as an A4 PDF: reportlab's built-in Chinese CID font (nothing to download, works offline),
labels in the certificate's language, what organizers typed as they typed it, and a QR code (segno) that
opens the public verification page."""

import io
from functools import cache
from xml.sax.saxutils import escape

import segno
from flask import Response
from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from volunteer_hub.certificates import texts
from volunteer_hub.certificates.models import Certificate

FONT = "STSong-Light"  # Adobe's Song typeface: the viewer supplies the glyphs, the file stays small
MARGIN = 18 * mm
QR_SIZE = 32 * mm
GRID = colors.HexColor("#999999")


@cache
def _font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _styles(locale: str) -> dict[str, ParagraphStyle]:
    # Chinese prose breaks between any two characters; English prose only at spaces. Table cells hold names
    # as organizers typed them (usually Chinese), so they always break like Chinese.
    prose_wrap = None if locale == "en" else "CJK"
    base = ParagraphStyle("body", fontName=_font(), fontSize=11.5, leading=19, wordWrap=prose_wrap)
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=22, leading=30, alignment=TA_CENTER, spaceAfter=2),
        "number": ParagraphStyle("number", parent=base, fontSize=9, leading=13, alignment=TA_RIGHT),
        "body": ParagraphStyle("body2", parent=base, spaceAfter=6),
        "heading": ParagraphStyle("heading", parent=base, fontSize=12.5, leading=18, spaceBefore=8, spaceAfter=4),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13, wordWrap="CJK"),
        "cell_right": ParagraphStyle("cell_right", parent=base, fontSize=9.5, leading=13, alignment=TA_RIGHT),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=colors.HexColor("#444444")),
    }


class QrCode(Flowable):
    """A vector QR code of a URL that is also a link in PDF viewers."""

    def __init__(self, url: str, size: float):
        super().__init__()
        self.url, self.size = url, size
        self.rows = [list(row) for row in segno.make(url, error="m").matrix_iter(border=2)]

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        cell = self.size / len(self.rows)
        canvas = self.canv
        canvas.setFillColor(colors.black)
        for y, row in enumerate(self.rows):
            x = 0
            while x < len(row):  # one rectangle per run of dark modules keeps the page small
                if not row[x]:
                    x += 1
                    continue
                run = x
                while run < len(row) and row[run]:
                    run += 1
                canvas.rect(x * cell, self.size - (y + 1) * cell, (run - x) * cell, cell, stroke=0, fill=1)
                x = run
        canvas.linkURL(self.url, (0, 0, self.size, self.size), relative=1)


def render(certificate: Certificate, verify_url: str) -> bytes:
    """The certificate's PDF in its own language, from the facts frozen when it was requested."""
    with force_locale(certificate.locale):
        buffer = io.BytesIO()
        content = certificate.content
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=_("Certificate of Volunteer Service"),
            subject=certificate.code,
            author=", ".join(issuer["name"] for issuer in content["issuers"]),
            creator="Volunteer Hub",
            lang="en" if certificate.locale == "en" else "zh-CN",
        )
        footer = _("Certificate %(code)s, verify at %(url)s", code=certificate.display_code, url=verify_url)

        def on_page(canvas, document):
            canvas.saveState()
            canvas.setFont(_font(), 7.5)
            canvas.setFillColor(colors.HexColor("#555555"))
            canvas.drawString(MARGIN, 10 * mm, footer)
            canvas.drawRightString(A4[0] - MARGIN, 10 * mm, _("Page %(page)d", page=document.page))
            canvas.restoreState()

        doc.build(
            _story(certificate, verify_url, _styles(certificate.locale)), onFirstPage=on_page, onLaterPages=on_page
        )
        return buffer.getvalue()


def as_download(document: bytes, code: str) -> Response:
    """The PDF as an HTTP download that no shared cache keeps (it names a person)."""
    response = Response(document, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="certificate-{code}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _story(certificate: Certificate, verify_url: str, style: dict) -> list:
    content, locale = certificate.content, certificate.locale
    period = content["period"]
    story = [
        Paragraph(escape(_("Certificate of Volunteer Service")), style["title"]),
        Paragraph(escape(_("No. %(code)s", code=certificate.display_code)), style["number"]),
        Spacer(1, 6 * mm),
        Paragraph(
            escape(
                _(
                    "This is to certify that %(name)s (volunteer number %(number)s) took part in volunteer service "
                    "from %(start)s to %(end)s, with a total service time of %(hours)s hours.",
                    name=content["volunteer"]["name"],
                    number=content["volunteer"]["no"],
                    start=texts.long_date(period["from"], locale),
                    end=texts.long_date(period["to"], locale),
                    hours=texts.hours(content["total_minutes"], locale),
                )
            ),
            style["body"],
        ),
        Paragraph(
            escape(_("Service content: %(content)s", content=texts.content_summary(content, locale))), style["body"]
        ),
        Paragraph(escape(_("Recording organisations")), style["heading"]),
        _table(
            [[_("Organisation"), _("Hours")]]
            + [[issuer["name"], texts.hours(issuer["minutes"], locale)] for issuer in content["issuers"]],
            style,
            widths=(None, 30 * mm),
        ),
        Paragraph(escape(_("Service records")), style["heading"]),
        _table(
            [[_("Date"), _("Activity"), _("Organisation"), _("Hours")]]
            + [
                [
                    texts.short_date(service["date"], locale),
                    _activity(service),
                    service["org"],
                    texts.hours(service["minutes"], locale) + (" *" if service["corrected"] else ""),
                ]
                for service in content["services"]
            ],
            style,
            widths=(30 * mm, None, 45 * mm, 22 * mm),
        ),
    ]
    if any(service["corrected"] for service in content["services"]):
        story.append(
            Paragraph(escape(_("* Includes a later correction by the recording organisation.")), style["small"])
        )
    issuers = texts.list_names([issuer["name"] for issuer in content["issuers"]], locale)
    story += [
        Spacer(1, 5 * mm),
        Paragraph(escape(_("Issued by: %(organisations)s", organisations=issuers)), style["body"]),
        Paragraph(
            escape(_("Date of issue: %(date)s", date=texts.long_date(content["issued_on"], locale))), style["body"]
        ),
        Paragraph(
            escape(
                _(
                    "Issued free of charge at the volunteer's request, in the name of the organisations "
                    "that recorded the service. Only a certificate shown as valid on its verification "
                    "page is valid."
                )
            ),
            style["small"],
        ),
        Spacer(1, 5 * mm),
        KeepTogether(
            Table(
                [
                    [
                        QrCode(verify_url, QR_SIZE),
                        [
                            Paragraph(
                                escape(_("Scan the QR code, or open the address below, to check this certificate.")),
                                style["body"],
                            ),
                            Paragraph(escape(verify_url), style["small"]),
                            Paragraph(
                                escape(_("Verification code: %(code)s", code=certificate.display_code)), style["body"]
                            ),
                        ],
                    ]
                ],
                colWidths=(QR_SIZE + 4 * mm, None),
                style=TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                        ("LEFTPADDING", (0, 0), (0, 0), 0),
                    ]
                ),
            )
        ),
    ]
    return story


def _activity(service: dict) -> str:
    """The activity's name, with what the volunteer did when the organizer described it separately."""
    if service["content"] and service["content"] != service["activity"]:
        return f"{service['activity']}\n{service['content']}"
    return service["activity"]


def _table(rows: list[list[str]], style: dict, widths) -> Table:
    last = len(rows[0]) - 1
    cells = [
        [
            Paragraph(escape(text).replace("\n", "<br/>"), style["cell_right"] if column == last else style["cell"])
            for column, text in enumerate(row)
        ]
        for row in rows
    ]
    available = A4[0] - 2 * MARGIN
    fixed = sum(width for width in widths if width)
    col_widths = [width or (available - fixed) / widths.count(None) for width in widths]
    return Table(
        cells,
        colWidths=col_widths,
        repeatRows=1,
        style=TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        ),
    )


# The same engine for other documents (the insurance packet of an incident, volunteer_hub.incidents.pdf): its
# font, styles and tables, so every PDF of the platform looks and prints alike.
font = _font
styles = _styles
table = _table
