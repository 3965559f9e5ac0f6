"""A shift's roster as CSV for Excel: UTF-8 with a byte-order mark, so Chinese names open correctly."""

import csv
import io
from typing import TYPE_CHECKING

from flask_babel import get_locale
from flask_babel import gettext as _

from volunteer_hub.catalogue import skill_name
from volunteer_hub.claims.labels import status_label
from volunteer_hub.core.timeutil import to_local
from volunteer_hub.orgs.rules import shows_party_badge

if TYPE_CHECKING:
    from volunteer_hub.claims.queries import RosterRow

# Spreadsheets run cells that start with these as formulas: such text is prefixed with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def roster_csv(rows: list["RosterRow"], *, full_phone: bool) -> str:
    """One line per claim: name, phone (masked unless full_phone), Party member (only for those who show their
    badge), skills, status, claimed at."""
    locale = str(get_locale() or "zh")
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("Name"), _("Phone"), _("Party member"), _("Skills"), _("Status"), _("Claimed at")])
    for row in rows:
        user = row.user
        writer.writerow(
            [
                _text(user.name),
                user.phone.removeprefix("+86") if full_phone else user.masked_phone,
                _("Yes") if shows_party_badge(user) else "",  # 亮身份 is opt-in: blank unless they show it
                ", ".join(skill_name(code, locale) for code in user.skills),
                status_label(row.claim.status),
                to_local(row.claim.created_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return out.getvalue()
