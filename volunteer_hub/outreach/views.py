"""Pages: write a message to a shift, a task or a team; see who has it and who has acknowledged."""

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer_hub.core.errors import Conflict, ValidationError
from volunteer_hub.orgs import permissions
from volunteer_hub.outreach import services
from volunteer_hub.outreach.forms import MessageForm
from volunteer_hub.outreach.limits import message_limits
from volunteer_hub.tasks.services import get_shift, get_task
from volunteer_hub.teams.services import get_team

bp = Blueprint("outreach", __name__)


def _compose(form, send, *, title: str, back: str, waitlist: bool):
    """Show the form; on a valid POST send it and open the message, else show every error at once."""
    if form.validate_on_submit():
        try:
            message = send(form)
        except ValidationError as exc:
            form.text.errors = [str(exc.fields.get("text", exc.message))]
        except Conflict as exc:
            form.form_errors.append(str(exc.message))
        else:
            return redirect(url_for("outreach.message", message_id=message.id), 303)
    return render_template("outreach/compose.html", form=form, title=title, back=back, waitlist=waitlist)


@bp.route("/org/shifts/<int:shift_id>/messages/new", methods=["GET", "POST"])
@login_required
@message_limits("shift_id", counted=(303,))
def message_shift(shift_id: int):
    """Message the shift's volunteers (organizers of the task's subtree)."""
    shift = get_shift(shift_id)
    permissions.require_manage(current_user, shift.task.org)
    return _compose(
        MessageForm(),
        lambda f: services.send_to_shift(
            current_user, shift, f.text.data, include_waitlisted=f.include_waitlisted.data, urgent=f.urgent.data
        ),
        title=_("Message the volunteers of this shift"),
        back=url_for("claims.roster", shift_id=shift.id),
        waitlist=True,
    )


@bp.route("/org/tasks/<int:task_id>/messages/new", methods=["GET", "POST"])
@login_required
@message_limits("task_id", counted=(303,))
def message_task(task_id: int):
    """Message the volunteers of every shift of the task that has not ended."""
    task = get_task(task_id)
    permissions.require_manage(current_user, task.org)
    return _compose(
        MessageForm(),
        lambda f: services.send_to_task(
            current_user, task, f.text.data, include_waitlisted=f.include_waitlisted.data, urgent=f.urgent.data
        ),
        title=_("Message the volunteers of all shifts of this task"),
        back=url_for("organizer.task", task_id=task.id),
        waitlist=True,
    )


@bp.route("/teams/<int:team_id>/messages/new", methods=["GET", "POST"])
@login_required
@message_limits("team_id", counted=(303,))
def message_team(team_id: int):
    """A team's leader or deputy messages its members."""
    team = get_team(team_id)
    services.require_lead(current_user, team)
    return _compose(
        MessageForm(),
        lambda f: services.send_to_team(current_user, team, f.text.data, urgent=f.urgent.data),
        title=_("Message the members of %(team)s", team=team.name),
        back=url_for("teams.detail", team_id=team.id),
        waitlist=False,
    )


@bp.get("/org/messages/<int:message_id>")
@login_required
def message(message_id: int):
    """A sent message: recipients, delivered per channel, acknowledged, and who has not acknowledged."""
    sent = services.get_message(current_user, message_id)
    return render_template("outreach/message.html", message=sent, summary=services.summary(sent))
