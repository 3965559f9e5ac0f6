"""Organizer pages for a shift's lottery: open it, draw early, and (reviewers too) see and verify the draw."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from volunteer_hub.core.errors import DomainError, ValidationError
from volunteer_hub.core.forms import apply_errors
from volunteer_hub.lottery import queries, services
from volunteer_hub.lottery.forms import LotteryForm
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.access import staff_required
from volunteer_hub.tasks.services import get_shift

bp = Blueprint("lottery", __name__, url_prefix="/org")


def _page(shift, form, status=200):
    return render_template(
        "lottery/shift.html",
        shift=shift,
        task=shift.task,
        form=form,
        can_manage=permissions.can_manage(current_user, shift.task.org),
        entrants=queries.count_entrants(shift),
        draw=queries.get_draw(shift),
    ), status


@bp.get("/shifts/<int:shift_id>/lottery")
@staff_required
def shift_lottery(shift_id: int):
    """A shift's lottery: its sign-up window, entrants, and the draw with seed, order and verification."""
    shift = get_shift(shift_id)
    permissions.require_review(current_user, shift.task.org)
    return _page(shift, LotteryForm())


@bp.post("/shifts/<int:shift_id>/lottery")
@staff_required
def open_lottery(shift_id: int):
    """Open the shift for lottery sign-up until the chosen time (or move the deadline)."""
    shift = get_shift(shift_id)
    permissions.require_manage(current_user, shift.task.org)
    form = LotteryForm()
    if form.validate_on_submit():
        try:
            services.open_lottery(current_user, shift, until=form.until(), party_first=form.party_first.data)
        except ValidationError as exc:
            apply_errors(form, exc.fields, {"until": "day"})
        except DomainError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("Lottery sign-up is open. The draw is made automatically when it closes."), "success")
            return redirect(url_for("lottery.shift_lottery", shift_id=shift.id))
    return _page(shift, form, 400)


@bp.post("/shifts/<int:shift_id>/lottery/draw")
@staff_required
def draw_now(shift_id: int):
    """Close sign-up now and draw."""
    shift = get_shift(shift_id)
    try:
        services.draw_now(current_user, shift)
    except DomainError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("The draw is made and everyone is notified."), "success")
    return redirect(url_for("lottery.shift_lottery", shift_id=shift.id))
