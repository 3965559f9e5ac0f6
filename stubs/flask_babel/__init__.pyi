# Flask-Babel 4: only the names volunteer_hub uses.
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from babel import Locale
from flask import Flask

class Babel:
    def __init__(self, app: Flask | None = None, *args: Any, **kwargs: Any) -> None: ...
    def init_app(
        self,
        app: Flask,
        default_locale: str = "en",
        default_domain: str = "messages",
        default_translation_directories: str = "translations",
        default_timezone: str = "UTC",
        locale_selector: Callable[[], str | None] | None = None,
        timezone_selector: Callable[[], str | None] | None = None,
    ) -> None: ...

def gettext(string: str, **variables: Any) -> str: ...
def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str: ...

# A LazyString, translated when it is rendered. It proxies every method of str and goes wherever the code puts
# text (WTForms labels and messages, flash, DomainError messages), so it is declared as one.
def lazy_gettext(string: str, **variables: Any) -> str: ...
def get_locale() -> Locale | None: ...
@contextmanager
def force_locale(locale: str | Locale | None) -> Iterator[None]: ...
