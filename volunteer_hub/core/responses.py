"""Response helpers for the pages."""

from functools import wraps

from flask import make_response


def no_store(view):
    """Keep an anonymous page with personal data (names behind a secret link) out of browser and proxy caches;
    pages for signed-in users and the API get this from core.security.keep_personal_data_out_of_caches."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response

    return wrapper
