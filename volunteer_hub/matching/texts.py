"""The words of match reasons and of match notifications, in the reader's language."""

from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from volunteer_hub.catalogue import band_name, skill_name
from volunteer_hub.core.formatting import distance
from volunteer_hub.notifications.texts import notification_text, task_and_when


def reason_text(reason: dict) -> str:
    locale = str(get_locale() or "zh")
    code = reason.get("code", "")
    match reason["kind"]:
        case "distance":
            return _("%(distance)s from you", distance=distance(reason["km"]))
        case "skill":
            return _("Needs %(skill)s: you have it", skill=skill_name(code, locale))
        case "language":
            return _("Needs %(language)s: you speak it", language=skill_name(code, locale))
        case "availability":
            return _("A shift in your usual time: %(band)s", band=band_name(code, locale))
    return ""


def with_texts(reasons: list[dict]) -> list[dict]:
    """Reasons as the API and pages show them: each with its localized text."""
    return [{**reason, "text": reason_text(reason)} for reason in reasons]


@notification_text("task_match")
def task_match(p: dict) -> str:
    return _(
        "A task %(distance)s from you needs volunteers: “%(task)s”, %(when)s.",
        distance=distance(p.get("distance_km", 0)),
        **task_and_when(p),
    )


@notification_text("match_digest")
def match_digest(p: dict) -> str:
    titles = format_list([f"“{title}”" for title in p.get("tasks", [])], locale=str(get_locale() or "zh"))
    return ngettext(
        "%(num)d task near you is still looking for volunteers: %(tasks)s.",
        "%(num)d tasks near you are still looking for volunteers: %(tasks)s.",
        p.get("count", 0),
        tasks=titles,
    )
