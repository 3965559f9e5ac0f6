"""Rota pages: the organizer's series form, the leader's adopt → proposal → adjust → publish flow on a phone,
and the members' swap section."""

from collections import OrderedDict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer_hub.core.db import get_row
from volunteer_hub.core.errors import Conflict, NotFound, ValidationError
from volunteer_hub.core.forms import apply_errors
from volunteer_hub.core.timeutil import now, to_local
from volunteer_hub.extensions import db
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.access import staff_required
from volunteer_hub.rotas import queries, services
from volunteer_hub.rotas.forms import AdoptForm, RangeForm, SeriesForm, slot_errors
from volunteer_hub.rotas.models import SeriesAdoption, ShiftSeries
from volunteer_hub.tasks import rules as task_rules
from volunteer_hub.tasks.services import get_task
from volunteer_hub.teams import rules as team_rules
from volunteer_hub.teams.models import Team

bp = Blueprint("rotas", __name__)
PAGE_DAYS = 7  # a proposal page shows a week at a time: a phone page stays light


@bp.route("/org/tasks/<int:task_id>/series", methods=["GET", "POST"])
@staff_required
def new_series(task_id: int):
    """Create a shift series on a task: a daily pattern over a range of dates, all shifts in one step."""
    task = get_task(task_id)
    permissions.require_manage(current_user, task.org)
    form = SeriesForm() if request.method == "POST" else SeriesForm.initial()
    if form.validate_on_submit():
        daily, rows = form.pattern()
        try:
            made = services.create_series(
                current_user, task.id, from_date=form.from_date.data, to_date=form.to_date.data, daily=daily
            )
        except ValidationError as exc:
            apply_errors(form, slot_errors(exc.fields, rows))
        except Conflict as exc:
            form.form_errors.append(str(exc.message))
        else:
            flash(
                _(
                    "%(num)d shifts were added to “%(task)s”. Each can still be edited on its own.",
                    num=len(services.series_shifts(made.id)),
                    task=task.title,
                ),
                "success",
            )
            return redirect(url_for("organizer.task", task_id=task.id))
    return render_template(
        "rotas/series_form.html", form=form, task=task, max_shift_hours=task_rules.max_shift_hours()
    ), 400 if form.errors else 200


def _led_team(team_id: int):
    team = services.get_team(team_id)
    team_rules.require_lead(current_user, team)
    return team


@bp.get("/teams/<int:team_id>/rota")
@login_required
def rota_home(team_id: int):
    """The leader's rota page: the series the team adopted and a form to adopt one."""
    team = _led_team(team_id)
    form = AdoptForm()
    return _home(team, form)


def _home(team, form, status=200):
    form.series_id.choices = [(s.id, _series_label(s)) for s in queries.adoptable_series(team.org)]
    return render_template("rotas/home.html", team=team, form=form, adoptions=queries.adoptions_of(team.id)), status


def _series_label(item: ShiftSeries) -> str:
    task = get_task(item.task_id)
    return _(
        "%(task)s, %(first)s to %(last)s",
        task=task.title,
        first=item.from_date.isoformat(),
        last=item.to_date.isoformat(),
    )


@bp.post("/teams/<int:team_id>/rota/adopt")
@login_required
def adopt(team_id: int):
    """Adopt a series (or some of its dates) for the team, then go to its rota proposal."""
    team = _led_team(team_id)
    form = AdoptForm()
    form.series_id.choices = [(s.id, _series_label(s)) for s in queries.adoptable_series(team.org)]
    if form.validate_on_submit():
        try:
            adoption = services.adopt_series(
                current_user, team.id, form.series_id.data, from_date=form.from_date.data, to_date=form.to_date.data
            )
        except ValidationError as exc:
            apply_errors(form, exc.fields)
        except Conflict as exc:
            form.form_errors.append(str(exc.message))
        else:
            flash(_("Adopted. Here is a proposed rota: adjust it, then publish."), "success")
            return redirect(url_for("rotas.proposal", team_id=team.id, adoption_id=adoption.id))
    return _home(team, form, 400)


def _adoption(team, adoption_id: int) -> tuple[SeriesAdoption, ShiftSeries]:
    adoption = db.session.get(SeriesAdoption, adoption_id)
    if adoption is None or adoption.team_id != team.id:
        raise NotFound(_("No such adoption."))
    return adoption, get_row(db.session, ShiftSeries, adoption.series_id)


def _page_range(adoption: SeriesAdoption):
    """The dates shown: those asked for, else a week from the first day still to come."""
    dates = RangeForm(request.args)
    dates.validate()
    today = to_local(now()).date()
    first = dates.start.data or max(adoption.from_date, today)
    last = dates.end.data or min(adoption.to_date, first + timedelta(days=PAGE_DAYS - 1))
    return max(first, adoption.from_date), min(last, adoption.to_date)


@bp.get("/teams/<int:team_id>/rota/<int:adoption_id>")
@login_required
def proposal(team_id: int, adoption_id: int):
    """The proposed rota as a day-by-day list with a name select per place, ready to adjust and publish."""
    team = _led_team(team_id)
    adoption, series = _adoption(team, adoption_id)
    first, last = _page_range(adoption)
    proposed = services.propose_rota(current_user, team.id, series.task_id, first, last)
    chosen = {item["shift_id"]: item["user_ids"] for item in proposed["assignments"]}
    return _proposal_page(team, adoption, series, proposed, chosen)


def _proposal_page(
    team: Team,
    adoption: SeriesAdoption,
    series: ShiftSeries,
    proposed: dict[str, Any],
    chosen: dict[int, list[int]],
    *,
    problems: Sequence[Any] = (),
    refused: Any = None,
    status: int = 200,
) -> ResponseReturnValue:
    days: OrderedDict[date, list[dict[str, Any]]] = OrderedDict()
    for item in proposed["assignments"]:
        days.setdefault(to_local(item["starts_at"]).date(), []).append(item)
    names = {m["user_id"]: m["name"] for m in proposed["members"]}
    unfilled = {u["shift_id"]: u for u in proposed["unfilled"]}
    step = timedelta(days=PAGE_DAYS)
    return render_template(
        "rotas/proposal.html",
        team=team,
        adoption=adoption,
        task=get_task(series.task_id),
        days=days,
        names=names,
        chosen=chosen,
        unfilled=unfilled,
        members=proposed["members"],
        problems=problems,
        refused=refused or {},
        first=proposed["from_date"],
        last=proposed["to_date"],
        earlier=proposed["from_date"] - step if proposed["from_date"] > adoption.from_date else None,
        later=proposed["to_date"] + timedelta(days=1) if proposed["to_date"] < adoption.to_date else None,
        step=step,
    ), status


def _posted_choice(proposed) -> dict[int, list[int]]:
    """The names picked in the selects: field p<shift id> repeated once per place, empty for nobody."""
    chosen = {}
    for item in proposed["assignments"]:
        picked = [int(v) for v in request.form.getlist(f"p{item['shift_id']}") if v.isdigit()]
        chosen[item["shift_id"]] = list(dict.fromkeys(picked))
    return chosen


@bp.post("/teams/<int:team_id>/rota/<int:adoption_id>/publish")
@login_required
def publish(team_id: int, adoption_id: int):
    """Publish the adjusted rota: every member's place is claimed at once, or nothing and the page says why."""
    team = _led_team(team_id)
    adoption, series = _adoption(team, adoption_id)
    first, last = _page_range(adoption)
    proposed = services.propose_rota(current_user, team.id, series.task_id, first, last)
    chosen = _posted_choice(proposed)
    try:
        claims = services.publish_rota(
            current_user,
            team.id,
            series.task_id,
            [{"shift_id": sid, "user_ids": ids} for sid, ids in chosen.items() if ids],
        )
    except (Conflict, ValidationError) as exc:
        # Each refusal already names the member; it is listed at the top and shown on its slot, linked.
        blocked = exc.extra.get("blocked", [])
        problems = (
            [(None, str(exc.message))]
            + [(b.get("shift_id"), b["message"]) for b in blocked]
            + [(None, str(message)) for message in exc.fields.values()]
        )
        refused: dict = {}
        for b in blocked:
            refused.setdefault(b.get("shift_id"), []).append(b["message"])
        return _proposal_page(
            team, adoption, series, proposed, chosen, problems=problems, refused=refused, status=exc.status
        )
    return render_template(
        "rotas/published.html",
        team=team,
        adoption=adoption,
        count=len(claims),
        members=len({c.user_id for c in claims}),
    )


@bp.get("/teams/<int:team_id>/swaps")
@login_required
def swaps(team_id: int):
    """My team shifts (offer one for a swap, or withdraw the offer) and my teammates' open offers."""
    team = services.get_team(team_id)
    team_rules.require_member(current_user, team)
    offers = queries.open_swaps(team.id)
    mine = {row.ShiftSwap.claim_id: row.ShiftSwap for row in offers if row.ShiftSwap.offered_by_id == current_user.id}
    return render_template(
        "rotas/swaps.html",
        team=team,
        claims=queries.team_claims_of(current_user.id, team.id),
        mine=mine,
        others=[row for row in offers if row.ShiftSwap.offered_by_id != current_user.id],
    )


@bp.post("/claims/<int:claim_id>/swap-offer")
@login_required
def offer(claim_id: int):
    """Offer one of my team shifts to my teammates."""
    try:
        swap = services.offer_swap(current_user, claim_id)
    except Conflict as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("claims.my_shifts"))
    flash(_("Your shift is offered to your team. It stays yours until someone takes it."), "success")
    return redirect(url_for("rotas.swaps", team_id=swap.team_id))


@bp.post("/swaps/<int:swap_id>/accept")
@login_required
def accept(swap_id: int):
    """Take over a teammate's offered shift."""
    swap = services.get_swap(swap_id)
    try:
        services.accept_swap(current_user, swap.id)
    except Conflict as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("The shift is yours now. It is in My shifts."), "success")
    return redirect(url_for("rotas.swaps", team_id=swap.team_id))


@bp.post("/swaps/<int:swap_id>/cancel")
@login_required
def cancel(swap_id: int):
    """Withdraw my swap offer: I keep the shift."""
    swap = services.get_swap(swap_id)
    try:
        services.cancel_swap(current_user, swap.id)
    except Conflict as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("Your offer is withdrawn; the shift stays yours."), "success")
    return redirect(url_for("rotas.swaps", team_id=swap.team_id))
