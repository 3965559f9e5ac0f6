"""Pages: the organizer's call for help on a shift and its live progress; the volunteer's one-tap answer."""

import contextlib
from datetime import timedelta
from typing import cast

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from volunteer_hub.callouts import queries, services
from volunteer_hub.callouts.forms import AnswerForm, CalloutForm
from volunteer_hub.callouts.models import OPEN_STATUSES
from volunteer_hub.claims.views import extend_roster
from volunteer_hub.core.errors import Conflict, ValidationError
from volunteer_hub.core.timeutil import now
from volunteer_hub.orgs import permissions
from volunteer_hub.tasks.services import get_shift

bp = Blueprint("callouts", __name__)
OFFER_WITHIN = timedelta(hours=24)  # the roster offers a call for help for a short shift starting this soon
REFRESH_S = 15


@extend_roster
def _offer(shift, rows, can_manage) -> dict:
    """The roster's "集结令 / call for help" button: for a shift short of people that starts soon or is under way."""
    current = now()
    soon = shift.starts_at <= current + OFFER_WITHIN and shift.ends_at > current
    return {
        "callout_offer": bool(can_manage and soon and shift.places_left > 0),
        "callout": queries.paging_for(shift.id),
    }


@bp.route("/org/shifts/<int:shift_id>/callouts/new", methods=["GET", "POST"])
@login_required
def start(shift_id: int):
    """Ask for N more people now (organizers of the task's subtree)."""
    shift = get_shift(shift_id)
    permissions.require_manage(current_user, shift.task.org)
    form = CalloutForm()
    if form.validate_on_submit():
        try:
            callout, _created = services.start(
                current_user,
                shift,
                needed=cast(int, form.needed.data),  # required by the form
                radius_km=form.radius_km.data,
                message=form.message.data,
            )
        except ValidationError as exc:
            form.form_errors.extend(str(m) for m in (exc.fields.values() or [exc.message]))
        except Conflict as exc:
            form.form_errors.append(str(exc.message))
        else:
            return redirect(url_for("callouts.show", callout_id=callout.id), 303)
    elif not form.is_submitted():
        form.needed.data = shift.places_left or None
    return render_template("callouts/start.html", form=form, shift=shift, task=shift.task)


@bp.get("/org/callouts/<int:callout_id>")
@login_required
def show(callout_id: int):
    """The call-out as the API shows it; the page refreshes itself while it pages."""
    callout = services.get_callout(current_user, callout_id)
    return render_template(
        "callouts/show.html",
        callout=callout,
        summary=services.summary(callout),
        refresh=REFRESH_S if callout.status in OPEN_STATUSES else None,
    )


@bp.post("/org/callouts/<int:callout_id>/cancel")
@login_required
def cancel(callout_id: int):
    callout = services.get_callout(current_user, callout_id)
    with contextlib.suppress(Conflict):  # ended meanwhile: the page shows how
        services.cancel(current_user, callout)
    return redirect(url_for("callouts.show", callout_id=callout.id), 303)


@bp.route("/callouts/answer/<token>", methods=["GET", "POST"])
def answer(token: str):
    """The volunteer's one-tap answer, no login needed: the token names them and the call-out."""
    callout, page = services.page_for_token(token)
    form = AnswerForm()
    result = None
    if form.validate_on_submit():
        said = "yes" if request.form.get("answer") == "yes" else "no"
        try:
            claim = services.answer(token, said, health_declared=form.health_declared.data)
        except Conflict as exc:
            result = {"ok": False, "text": str(exc.message), "waitlist_url": exc.extra.get("waitlist_url")}
        else:
            result = {"ok": True, "said": said, "claim": claim}
        callout, page = services.page_for_token(token)
    return render_template(
        "callouts/answer.html",
        callout=callout,
        page=page,
        shift=callout.shift,
        task=callout.shift.task,
        form=form,
        result=result,
    )
