"""Absolute addresses for links that leave the app: QR codes, PDFs, and messages sent by SMS or e-mail."""

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for

# Where `flask dev` serves by default: the last resort of a job (no request) when PUBLIC_BASE_URL is unset.
# `make run` gives its worker and scheduler the address it really serves instead.
LOCAL_BASE_URL = "http://127.0.0.1:5000"


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute address of a page for a link that leaves the app: under PUBLIC_BASE_URL when it is set,
    else on the host the request came in on; a job, which has no request, uses PUBLIC_BASE_URL or the local
    address."""
    base = current_app.config["PUBLIC_BASE_URL"]
    if not base and has_request_context():
        return url_for(endpoint, **values, _external=True)
    parts = urlsplit(base or LOCAL_BASE_URL)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)
