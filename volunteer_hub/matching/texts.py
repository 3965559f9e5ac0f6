"""The words of match reasons, in the reader's language."""

from flask_babel import get_locale
from flask_babel import gettext as _

from volunteer_hub.catalogue import band_name, skill_name
from volunteer_hub.core.formatting import distance


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
