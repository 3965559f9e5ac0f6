"""/dev/messages: what the development senders kept instead of sending. Registered only while no real SMS or SMTP
sender is configured (create_app); with one these routes do not exist, so login codes are never published."""

from flask import Blueprint, jsonify, render_template

from volunteer_hub.messaging import dev

bp = Blueprint("messaging", __name__)


def dev_senders_only(config) -> bool:
    return config["SMS_SENDER"] == "dev" and config["EMAIL_SENDER"] in ("dev", "none")


@bp.get("/dev/messages")
def dev_messages():
    """The newest messages first: the page a newcomer reads a registration code from under `make run`."""
    return render_template("messaging/dev_messages.html", items=dev.recent())


@bp.get("/dev/messages.json")
def dev_messages_json():
    items = [
        {"channel": m.channel, "to": m.to, "text": m.text, "created_at": m.created_at.isoformat()} for m in dev.recent()
    ]
    return jsonify({"items": items})


@bp.after_request
def _never_cached(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app) -> None:
    if dev_senders_only(app.config):
        app.register_blueprint(bp)
        app.logger.info("development senders: messages are kept and listed at /dev/messages")
