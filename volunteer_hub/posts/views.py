"""Pages: the live staffing board of an organisation and of a post (organizers and reviewers), the organizer's
automatic call-out switch, and the outgoing volunteer's one-tap "I'll stay"."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from volunteer_hub.core.errors import Conflict, NotFound
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.access import staff_required
from volunteer_hub.orgs.services import get_org
from volunteer_hub.posts import services
from volunteer_hub.tasks.services import get_task

bp = Blueprint("posts", __name__)
POLL_S = 30  # the boards fetch their table again this often (board.js)


def _page(template: str, part: str, **context):
    """The whole page, or with ?part=1 only the live table that board.js swaps in."""
    return render_template(part if request.args.get("part") == "1" else template, poll_s=POLL_S, **context)


@bp.get("/org/orgs/<int:org_id>/board")
@staff_required
def org_board(org_id: int):
    """Every post of the subtree with a shift under way or starting within 2 hours, worst first; red when short."""
    org = get_org(org_id)
    return _page("posts/org_board.html", "posts/_org_board.html", org=org, board=services.org_board(current_user, org))


@bp.get("/org/tasks/<int:task_id>/board")
@staff_required
def task_board(task_id: int):
    """One post: today's and tomorrow's shifts, who is on the post, the relief alarm, handover, incidents, supplies."""
    task = get_task(task_id)
    board = services.task_board(current_user, task)
    return _page(
        "posts/task_board.html",
        "posts/_task_board.html",
        task=task,
        board=board,
        can_manage=permissions.can_manage(current_user, task.org),
    )


@bp.post("/org/tasks/<int:task_id>/auto-callout")
@staff_required
def auto_callout(task_id: int):
    """Turn the automatic call-out on a relief alarm on or off."""
    task = services.set_auto_callout(current_user, get_task(task_id), request.form.get("on") == "1")
    flash(_("Automatic call-out is on.") if task.auto_callout else _("Automatic call-out is off."), "success")
    return redirect(url_for("posts.task_board", task_id=task.id), 303)


@bp.route("/relief/<int:alarm_id>/stay", methods=["GET", "POST"])
@login_required
def stay(alarm_id: int):
    """ "Your relief has not arrived: can you stay?" with one button (the previous shift's volunteers on the post)."""
    alarm = services.get_alarm(alarm_id)
    claim, shift, until = services.stay_offer(current_user, alarm)
    if claim is None:
        raise NotFound(_l("No such relief alarm."))  # for the outgoing volunteers on the post only
    stay = services.stay_of(current_user, alarm)
    if request.method == "POST" and stay is None:
        try:
            stay = services.stay(current_user, alarm)
        except Conflict as exc:
            flash(str(exc.message), "error")
            return redirect(url_for("posts.stay", alarm_id=alarm.id), 303)
        flash(_("Thank you. The organizer sees that you are staying."), "success")
        return redirect(url_for("posts.stay", alarm_id=alarm.id), 303)
    return render_template(
        "posts/stay.html",
        offer=alarm.cleared_at is None,
        cleared=alarm.cleared_at is not None,
        shift=shift,
        until=until,
        stay=stay,
    )
