"""Response helpers for the pages."""

from functools import wraps

from flask import make_response


def no_store(view):
    """Keep a page with phone numbers or locations out of browser and proxy caches."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response

    return wrapper
