"""The caller's channels beside the in-app inbox (SMS, Web Push, e-mail) and a test message over them; what an
organizer's actions on a task told people, per channel."""

from volunteer_hub.accounts.api_auth import auth_required
from volunteer_hub.api.schemas import ChannelsIn, ChannelsOut, ChannelTestOut, NoticesOut
from volunteer_hub.core.api import Blueprint
from volunteer_hub.notifications import services
from volunteer_hub.orgs import permissions
from volunteer_hub.tasks.services import get_task

blp = Blueprint("api_channels", __name__, description="Channels beside the inbox; delivery counts for organizers")


@blp.get("/me/channels")
@blp.response(200, ChannelsOut)
@blp.errors(401)
@auth_required
def get_channels(user):
    """My channels: SMS, push, an e-mail address (organizers' business), urgent calls in quiet hours."""
    return services.channel_settings(user)


@blp.put("/me/channels")
@blp.arguments(ChannelsIn)
@blp.response(200, ChannelsOut)
@blp.errors(400, 401)
@auth_required
def put_channels(data, user):
    """Choose my channels (all four fields); a malformed e-mail address is a 400 with ``email`` in fields."""
    return services.channel_settings(services.update_channels(user, **data))


@blp.post("/me/channels/test")
@blp.response(202, ChannelTestOut)
@blp.errors(401, 429)
@auth_required
def send_test(user):
    """Send me a test message over every channel I chose (a few an hour)."""
    return {"notification_id": services.send_test(user).id}


@blp.get("/tasks/<int:task_id>/notices")
@blp.response(200, NoticesOut)
@blp.errors(401, 403, 404)
@auth_required
def task_notices(task_id, user):
    """What organizers' actions on the task (cancelling it, removing or turning down a volunteer, moving a
    shift) told people, newest first, with per channel how many messages went out. Organizers of the task's
    organisation subtree only."""
    task = get_task(task_id)
    permissions.require_manage(user, task.org)
    return {
        "items": [{**notice, "created_at": notice["at"]} for notice in services.list_notices(task.id)],
    }
