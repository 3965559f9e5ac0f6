"""Request bodies as JSON: too deep a nesting is invalid JSON (a 400), not a RecursionError (a 500)."""

import json
from typing import Any

from flask.json.provider import DefaultJSONProvider


class JSONProvider(DefaultJSONProvider):
    """Flask's provider, whose ``loads`` answers a body nested past Python's recursion limit with a
    JSONDecodeError, so ``request.get_json`` and the API's parser refuse it like any other malformed body."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError as exc:
            text = s.decode(errors="replace") if isinstance(s, bytes | bytearray) else s
            raise json.JSONDecodeError("nested too deeply", text, 0) from exc
