from typing import Any

from flask import Flask
from werkzeug.exceptions import BadRequest

class CSRFError(BadRequest):
    description: Any

class CSRFProtect:
    def __init__(self, app: Flask | None = None) -> None: ...
    def init_app(self, app: Flask) -> None: ...
    def exempt(self, view: Any) -> Any: ...
