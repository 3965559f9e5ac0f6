"""Response helpers for the pages."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, make_response


def no_store(view: Callable[..., Any]) -> Callable[..., Response]:
    """Keep an anonymous page with personal data (names behind a secret link) out of browser and proxy caches;
    pages for signed-in users and the API get this from core.security.keep_personal_data_out_of_caches."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response

    return wrapper
