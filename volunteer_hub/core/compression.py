"""Response compression (Flask-Compress), closing what it streams from."""

from flask import Response
from flask_compress import Compress


class ClosingCompress(Compress):
    """Flask-Compress that closes the body it compresses on the fly: it swaps a streamed body (a static file)
    for a compressing generator and would leave the file open until the garbage collector finds it."""

    def after_request(self, response: Response | None) -> Response:
        original = getattr(response, "response", None)
        compressed = super().after_request(response)
        close = getattr(original, "close", None)
        if compressed.response is not original and close is not None:
            compressed.call_on_close(close)
        return compressed
