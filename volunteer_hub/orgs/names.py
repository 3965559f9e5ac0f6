"""How an organisation's name is shown: its English name to a reader of English when it has one, else its
Chinese name. Every page, API text, notification, export and certificate goes through here."""

from typing import Protocol

from flask_babel import get_locale


class Named(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def name_en(self) -> str | None: ...


def localized_name(name: str, name_en: str | None, locale: str | None = None) -> str:
    """name or name_en for locale (by default the current request's, job's or forced locale)."""
    if locale is None:
        locale = str(get_locale() or "zh")
    return name_en if locale == "en" and name_en else name


def org_name(org: Named, locale: str | None = None) -> str:
    """An organisation's (or a selected row's) name for the reader; see localized_name."""
    return localized_name(org.name, org.name_en, locale)
