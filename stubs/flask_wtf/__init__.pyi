# Flask-WTF 1.x: only the names volunteer_hub uses.
from collections.abc import Mapping, Sequence
from typing import Any

import wtforms
from markupsafe import Markup

from .csrf import CSRFProtect as CSRFProtect

class FlaskForm(wtforms.Form):
    def __init__(self, formdata: Any = ..., **kwargs: Any) -> None: ...
    def is_submitted(self) -> bool: ...
    def validate_on_submit(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool: ...
    def hidden_tag(self, *fields: Any) -> Markup: ...

__all__ = ["CSRFProtect", "FlaskForm"]
