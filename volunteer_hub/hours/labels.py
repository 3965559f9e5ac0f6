"""Words for service-hour states, shared by the pages and the API: why a proposal says what it says, record
and request statuses, anomaly kinds."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from volunteer_hub.core.formatting import calendar_date, clock, distance, service_hours
from volunteer_hub.hours.models import AnomalyKind, DisputeStatus, EntrySource
from volunteer_hub.hours.rules import Basis, Deadline, Proposal

SOURCE_LABELS: dict[str, str] = {
    EntrySource.ATTENDANCE: _l("From check-in and check-out"),
    EntrySource.MANUAL: _l("From the organizer's attendance mark"),
    EntrySource.CORRECTION: _l("Correction"),
}

DISPUTE_LABELS: dict[str, str] = {
    DisputeStatus.OPEN: _l("Waiting for the organizer's answer"),
    DisputeStatus.ACCEPTED: _l("Accepted"),
    DisputeStatus.REFUSED: _l("Not accepted"),
}

ANOMALY_LABELS: dict[str, str] = {
    AnomalyKind.OVERLAPPING_ATTENDANCE: _l("Attendance at two places at the same time"),
    AnomalyKind.FAR_CHECK_IN: _l("Checked in far from the post"),
    AnomalyKind.LONGER_THAN_SHIFT: _l("More hours than the shift lasted"),
    AnomalyKind.DEVICE_BURST: _l("Many check-ins from one phone within minutes"),
    AnomalyKind.SELF_CONFIRMED: _l("Hours confirmed by someone who served on the same shift"),
}


def source_label(source: str) -> str:
    return str(SOURCE_LABELS.get(source, source))


def dispute_label(status: str) -> str:
    return str(DISPUTE_LABELS.get(status, status))


def anomaly_label(kind: str) -> str:
    return str(ANOMALY_LABELS.get(kind, kind))


def basis_text(proposal: Proposal) -> str:
    """How the proposed hours were worked out, or why nothing is proposed (never a silent zero)."""
    match proposal.basis:
        case Basis.CHECKED_IN_OUT:
            assert proposal.starts and proposal.ends  # propose() sets the interval for this basis
            return _(
                "Checked in %(start)s, checked out %(end)s (counted within the shift).",
                start=clock(proposal.starts),
                end=clock(proposal.ends),
            )
        case Basis.NO_CHECK_OUT:
            assert proposal.starts and proposal.ends  # propose() sets the interval for this basis
            return _(
                "Checked in %(start)s, no check-out: the scheduled end %(end)s was assumed. Pending until the "
                "organizer confirms.",
                start=clock(proposal.starts),
                end=clock(proposal.ends),
            )
        case Basis.MARKED_BY_HAND:
            return _("Marked present by the organizer: the shift's length counts.")
        case Basis.NO_SHOW:
            return _("Not counted: marked as not present.")
    return _("Not counted: no check-in or attendance mark was recorded.")


def deadline_text(deadline: Deadline) -> str:
    """'Confirm by Feb 14, 2020 (3 working days left)', 'due today' or 'overdue by 2 working days'."""
    due = calendar_date(deadline.due)
    if deadline.overdue:
        return _(
            "Overdue since %(date)s: hours are to be recorded within %(num)d working days.",
            date=due,
            num=current_app.config["HOURS_DEADLINE_WORKING_DAYS"],
        )
    if deadline.left == 0:
        return _("Due today (%(date)s).", date=due)
    return ngettext(
        "Confirm by %(date)s (%(num)d working day left).",
        "Confirm by %(date)s (%(num)d working days left).",
        deadline.left,
        date=due,
    )


def anomaly_text(flag, names: dict) -> str:
    """One sentence with the facts of a flag."""
    details = flag.details or {}
    match flag.kind:
        case AnomalyKind.FAR_CHECK_IN:
            return _(
                "Checked in %(distance)s from the post; check-in radius %(radius)d m.",
                distance=distance(details.get("distance_m", 0) / 1000),
                radius=details.get("radius_m", 0),
            )
        case AnomalyKind.LONGER_THAN_SHIFT:
            return _(
                "%(hours)s hours counted for a shift of %(shift)s hours.",
                hours=_hours(details.get("minutes", 0)),
                shift=_hours(details.get("shift_minutes", 0)),
            )
        case AnomalyKind.OVERLAPPING_ATTENDANCE:
            return _("Also recorded at “%(task)s” at the same time.", task=details.get("other_task", ""))
        case AnomalyKind.DEVICE_BURST:
            return _(
                "%(num)d volunteers checked in from one phone within %(minutes)d minutes.",
                num=len(details.get("claim_ids", [])),
                minutes=details.get("minutes", 0),
            )
        case AnomalyKind.SELF_CONFIRMED:
            actor = names.get(details.get("actor_id"))
            name = actor.name if actor else "?"
            if details.get("refused"):
                return _("%(name)s tried to confirm hours of a shift they served on; it was refused.", name=name)
            return _("%(name)s confirmed these hours and also served on the shift.", name=name)
    return ""


def _hours(minutes: int) -> str:
    return service_hours(minutes)
