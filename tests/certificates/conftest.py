"""Certificate-test helpers: ledger entries written straight into the hours ledger, the text of a generated PDF,
English test clients and CSRF-carrying form posts."""

import base64
import re
import zlib
from datetime import date

import pytest

from volunteer_hub.extensions import db
from volunteer_hub.hours.models import HourEntry

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def make_entry(app, make_user):
    """make_entry(volunteer, org, date(2024, 3, 1), minutes=240, activity=..., corrects=entry_id) -> entry id.

    A confirmed service record as the ledger stores it; with ``corrects`` it is a correction of that entry.
    """
    confirmer = {}

    def factory(
        volunteer,
        org,
        day: date,
        minutes: int,
        *,
        activity="东门卡口值守",
        task_type="checkpoint",
        content="",
        corrects=None,
        reason=None,
    ):
        if "user" not in confirmer:
            confirmer["user"] = make_user("王书记")
        with app.app_context():
            entry = HourEntry(
                volunteer_id=volunteer.id,
                org_id=org.id,
                activity_name=activity,
                service_date=day,
                place="民治街道东门",
                service_content=content,
                task_type=task_type,
                leader_name="王书记",
                minutes=minutes,
                source="correction" if corrects or reason else "manual",
                reason=reason,
                corrects_id=corrects,
                confirmed_by_id=confirmer["user"].id,
            )
            db.session.add(entry)
            db.session.commit()
            return entry.id

    return factory


def pdf_text(document: bytes) -> str:
    """The text drawn on a reportlab PDF's pages (its CID font writes UTF-16 strings into compressed streams)."""
    texts = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", document, re.S):
        data = stream.strip()
        if data.endswith(b"~>"):
            data = base64.a85decode(data[:-2])
        try:
            data = zlib.decompress(data)
        except zlib.error:
            continue
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", data, re.S):
            texts.append(_unescape(literal).decode("utf-16-be", errors="replace"))
    return "\n".join(texts)


def _unescape(literal: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(literal):
        char = literal[i]
        if char != 0x5C:  # backslash
            out.append(char)
            i += 1
            continue
        nxt = literal[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", literal[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
        else:
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(nxt, nxt)
            i += 2
    return bytes(out)


@pytest.fixture
def post():
    """post(client, url, data) submits a form with the session's CSRF token, as a browser would."""

    def do(test_client, url, data=None, **kwargs):
        token = _CSRF.search(test_client.get("/login").get_data(as_text=True)).group(1)
        return test_client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)

    return do
