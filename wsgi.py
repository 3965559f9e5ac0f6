"""WSGI entry point for gunicorn and the flask CLI."""

from volunteer_hub import create_app

app = create_app()
