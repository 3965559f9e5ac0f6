"""The words of incident reports: categories, severities and states as people read them, and the notification
the organizers get."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from volunteer_hub.incidents.models import IncidentCategory, IncidentStatus, Severity
from volunteer_hub.notifications.texts import notification_text

CATEGORIES: dict[str, str] = {
    IncidentCategory.INJURY: _l("A volunteer was injured"),
    IncidentCategory.CONFLICT: _l("Conflict"),
    IncidentCategory.SUSPECTED_CASE: _l("Suspected case"),
    IncidentCategory.EQUIPMENT: _l("Equipment or supplies"),
    IncidentCategory.OTHER: _l("Other"),
}
SEVERITIES: dict[str, str] = {
    Severity.LOW: _l("Minor"),
    Severity.MEDIUM: _l("Moderate"),
    Severity.SEVERE: _l("Severe"),
}
STATUSES: dict[str, str] = {
    IncidentStatus.OPEN: _l("Not handled yet"),
    IncidentStatus.ACKNOWLEDGED: _l("Acknowledged"),
    IncidentStatus.CLOSED: _l("Closed"),
}


def category_label(code: str) -> str:
    return str(CATEGORIES.get(code, code))


def severity_label(code: str) -> str:
    return str(SEVERITIES.get(code, code))


def status_label(code: str) -> str:
    return str(STATUSES.get(code, code))


@notification_text("incident_reported")
def incident_reported(p: dict) -> str:
    words = {
        "task": p.get("task", ""),
        "category": category_label(p.get("category", "")),
        "reporter": p.get("reporter", ""),
    }
    if p.get("severity") == Severity.SEVERE:
        return _("Severe incident at “%(task)s”: %(category)s, reported by %(reporter)s. Please act now.", **words)
    return _("Incident at “%(task)s”: %(category)s, reported by %(reporter)s.", **words)


ATTENDANCE_KINDS: dict[str, str] = {
    "check_in": _l("Check-in"),
    "check_out": _l("Check-out"),
    "marked_present": _l("Marked present"),
    "marked_no_show": _l("Marked absent"),
    "auto_no_show": _l("Absent (automatic)"),
    "no_show_reversed": _l("Absence reversed"),
}
METHODS: dict[str, str] = {
    "gps": _l("Location"),
    "qr": _l("QR code"),
    "manual": _l("By the person in charge"),
    "job": _l("System"),
}


def attendance_label(kind: str, method: str) -> str:
    return f"{ATTENDANCE_KINDS.get(kind, kind)} · {METHODS.get(method, method)}"
