"""Team pages: my teams, founding a team, the team page, invites, membership actions, team claims, declining."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from volunteer_hub.attendance import qr
from volunteer_hub.claims import rules as claim_rules
from volunteer_hub.claims.services import blocking_problem, get_own_claim
from volunteer_hub.core.errors import Conflict, DomainError, NotAllowed, NotFound, ValidationError
from volunteer_hub.core.formatting import shift_span
from volunteer_hub.core.forms import apply_errors
from volunteer_hub.core.links import external_url
from volunteer_hub.tasks.services import get_shift
from volunteer_hub.teams import queries, rules, services
from volunteer_hub.teams.forms import FoundTeamForm, TeamClaimForm
from volunteer_hub.teams.models import MemberStatus

bp = Blueprint("teams", __name__)


@bp.app_context_processor
def inject_led_teams():
    """Templates ask ``teams_led_by_me()`` (e.g. the task page's "Claim for my team"); queried once, on use."""

    def teams_led_by_me():
        if "led_teams" not in g:
            g.led_teams = queries.list_led_teams(current_user)
        return g.led_teams

    return {"teams_led_by_me": teams_led_by_me}


@bp.get("/teams")
@login_required
def index():
    """My teams and requests, teams of my home community I could ask to join, and founding a new one."""
    nearby = (
        queries.list_org_teams(current_user.home_org_id, exclude_user_id=current_user.id)
        if current_user.home_org_id
        else []
    )
    return render_template("teams/index.html", memberships=queries.list_my_teams(current_user), nearby=nearby)


def _found_form():
    form = FoundTeamForm(queries.list_team_orgs())
    if request.method == "GET" and current_user.home_org_id:
        form.org_id.data = current_user.home_org_id
    return form


@bp.get("/teams/new")
@login_required
def new():
    """The form to found a team."""
    return render_template("teams/new.html", form=_found_form())


@bp.post("/teams/new")
@login_required
def create():
    """Found the team; the founder becomes its leader."""
    form = _found_form()
    if form.validate_on_submit():
        try:
            team = services.found_team(
                current_user, name=form.name.data, org_id=form.org_id.data, description=form.description.data or ""
            )
        except ValidationError as exc:
            apply_errors(form, exc.fields)
        else:
            flash(
                _("The team “%(team)s” is founded. Invite members with its link or QR code.", team=team.name), "success"
            )
            return redirect(url_for("teams.detail", team_id=team.id))
    return render_template("teams/new.html", form=form), 400


@bp.get("/teams/<int:team_id>")
@login_required
def detail(team_id: int):
    """The team page: members, upcoming team shifts and hours for members (and the organisation's staff);
    a short summary with "Ask to join" for everyone else."""
    team = services.get_team(team_id)
    mine = queries.get_membership_row(team.id, current_user.id)
    member = mine if mine is not None and mine.status == MemberStatus.ACTIVE else None
    if not rules.can_view(current_user, team):
        return render_template("teams/outside.html", team=team, mine=mine, count=queries.count_members(team.id))
    is_lead = member is not None and member.role in rules.LEAD_ROLES
    return render_template(
        "teams/detail.html",
        team=team,
        member=member,
        is_lead=is_lead,
        members=queries.list_members(team.id),
        requests=queries.list_members(team.id, MemberStatus.REQUESTED) if is_lead else [],
        shifts=queries.list_upcoming_shifts(team.id),
        minutes=queries.team_minutes(team.id),
    )


def _act(team_id: int, action, success):
    """Run a membership action from a button on the team page, then go back to it with the outcome
    (success(row) words it, naming the member concerned)."""
    team = services.get_team(team_id)
    try:
        row = action(team)
    except (Conflict, NotAllowed, ValidationError, NotFound) as exc:
        flash(str(exc.message), "error")
    else:
        flash(success(row), "success")
    return redirect(url_for("teams.detail", team_id=team.id))


@bp.post("/teams/<int:team_id>/request")
@login_required
def request_join(team_id: int):
    """Ask to join the team; a leader decides."""
    return _act(
        team_id,
        lambda team: services.request_to_join(current_user, team),
        lambda row: _("Your request was sent. The team's leader will decide."),
    )


@bp.post("/teams/<int:team_id>/members/<int:user_id>/approve")
@login_required
def approve(team_id: int, user_id: int):
    """A leader or deputy lets someone who asked join."""
    return _act(
        team_id,
        lambda team: services.approve_request(current_user, team, user_id),
        lambda row: _("%(name)s is now a member of the team.", name=row.user.name),
    )


@bp.post("/teams/<int:team_id>/members/<int:user_id>/decline")
@login_required
def decline_request(team_id: int, user_id: int):
    """A leader or deputy turns a request to join down."""
    return _act(
        team_id,
        lambda team: services.decline_request(current_user, team, user_id),
        lambda row: _("You turned down the request of %(name)s.", name=row.user.name),
    )


@bp.post("/teams/<int:team_id>/members/<int:user_id>/remove")
@login_required
def remove(team_id: int, user_id: int):
    """A leader or deputy removes a member."""
    return _act(
        team_id,
        lambda team: services.remove_member(current_user, team, user_id),
        lambda row: _("%(name)s was removed from the team.", name=row.user.name),
    )


@bp.post("/teams/<int:team_id>/members/<int:user_id>/role")
@login_required
def set_role(team_id: int, user_id: int):
    """The leader names or unnames a deputy, or hands the team over."""
    role = request.form.get("role", "")

    def success(row):
        if row.role == "leader":
            return _("%(name)s now leads the team; you are a deputy.", name=row.user.name)
        if row.role == "deputy":
            return _("%(name)s is now a deputy.", name=row.user.name)
        return _("%(name)s is no longer a deputy.", name=row.user.name)

    return _act(team_id, lambda team: services.set_role(current_user, team, user_id, role), success)


@bp.get("/teams/<int:team_id>/leave")
@login_required
def leave_confirm(team_id: int):
    """Ask before leaving the team, or say why the leader cannot."""
    team = services.get_team(team_id)
    mine = queries.get_membership_row(team.id, current_user.id)
    problem = None
    if mine is not None:
        try:
            rules.check_can_leave(mine)
        except Conflict as exc:
            problem = exc.message
    return render_template("teams/leave.html", team=team, mine=mine, problem=problem)


@bp.post("/teams/<int:team_id>/leave")
@login_required
def leave(team_id: int):
    """Leave the team (or withdraw a request to join)."""
    team = services.get_team(team_id)
    try:
        services.leave_team(current_user, team)
    except DomainError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("teams.detail", team_id=team.id))
    flash(_("You left the team “%(team)s”.", team=team.name), "success")
    return redirect(url_for("teams.index"))


@bp.get("/teams/<int:team_id>/invite")
@login_required
def invite_share(team_id: int):
    """The invite link and QR code, for the leader and deputies to share."""
    team = services.get_team(team_id)
    rules.require_lead(current_user, team)
    link = external_url("teams.invite", code=team.invite_code)
    return render_template(
        "teams/invite_share.html",
        team=team,
        link=link,
        svg=qr.svg(link, label=_("Invite code for the team %(team)s", team=team.name)),
    )


def _invited_team(code: str):
    team = queries.get_team_by_code(code)
    if team is None:
        raise NotAllowed(
            _("This invite link is not valid (any more). Ask the team's leader for the current one."),
            code="invalid_invite_code",
        )
    return team


@bp.get("/teams/join/<code>")
@login_required
def invite(code: str):
    """Where an invite link or QR code lands: the team, and one button to join it."""
    team = _invited_team(code)
    mine = queries.get_membership_row(team.id, current_user.id)
    if mine is not None and mine.status == MemberStatus.ACTIVE:
        return redirect(url_for("teams.detail", team_id=team.id))
    return render_template("teams/invite.html", team=team, code=code, count=queries.count_members(team.id))


@bp.post("/teams/join/<code>")
@login_required
def join(code: str):
    """Join the team of the invite."""
    team = _invited_team(code)
    try:
        services.join_by_code(current_user, team, code)
    except DomainError as exc:
        if exc.code != "already_member":
            flash(str(exc.message), "error")
            return redirect(url_for("teams.invite", code=code))
    else:
        flash(_("Welcome to the team “%(team)s”.", team=team.name), "success")
    return redirect(url_for("teams.detail", team_id=team.id))


def _claim_page(shift, form_or_none=None, blocked=None, status=200):
    led = queries.list_led_teams(current_user)
    if not led:
        raise NotAllowed(_("Only a team's leader or a deputy can claim places for a team."))
    chosen = request.args.get("team_id", type=int) or request.form.get("team_id", type=int)
    team = next((t for t in led if t.id == chosen), led[0])
    members = queries.list_members(team.id)
    form = form_or_none or TeamClaimForm(members)
    try:  # approval, lottery, started, closed or full: the page says so instead of offering the button
        claim_rules.check_group_claimable(shift)
        if shift.places_left <= 0:
            raise Conflict(_("This shift is full: there are no places left to claim for your team."), code="full")
        problem = None
    except Conflict as exc:
        problem = str(exc.message)
    # Every rule the claim will apply, member by member, before the leader ticks anyone.
    notes = (
        {}
        if problem
        else {m.user_id: found["message"] for m in members if (found := blocking_problem(m.user_id, shift))}
    )
    return render_template(
        "teams/claim.html",
        shift=shift,
        task=shift.task,
        team=team,
        teams=led,
        form=form,
        members=members,
        notes=notes,
        problem=problem,
        blocked=blocked or [],
    ), status


@bp.get("/shifts/<int:shift_id>/team-claim")
@login_required
def claim_for_team(shift_id: int):
    """A leader picks which members of their team to sign up for the shift."""
    return _claim_page(get_shift(shift_id))


@bp.post("/shifts/<int:shift_id>/team-claim")
@login_required
def submit_team_claim(shift_id: int):
    """Claim a place for every chosen member at once, or none; a refusal lists who blocked it and why."""
    shift = get_shift(shift_id)
    team = services.get_team(request.form.get("team_id", type=int))
    rules.require_lead(current_user, team)
    form = TeamClaimForm(queries.list_members(team.id))
    if not form.validate_on_submit():
        return _claim_page(shift, form, status=400)
    try:
        claims = services.team_claim(current_user, team, shift, form.member_ids.data)
    except ValidationError as exc:
        apply_errors(form, exc.fields)
        return _claim_page(shift, form, status=400)
    except Conflict as exc:
        form.form_errors.append(str(exc.message))
        return _claim_page(shift, form, blocked=exc.extra.get("blocked"), status=409)
    flash(
        ngettext(
            "%(num)d member of “%(team)s” is signed up for %(when)s. Each one is told and may decline.",
            "%(num)d members of “%(team)s” are signed up for %(when)s. Each one is told and may decline.",
            len(claims),
            team=team.name,
            when=shift_span(shift.starts_at, shift.ends_at),
        ),
        "success",
    )
    return redirect(url_for("teams.detail", team_id=team.id))


@bp.get("/claims/<int:claim_id>/decline")
@login_required
def decline_confirm(claim_id: int):
    """Ask before declining a place the team claimed for me."""
    claim = get_own_claim(current_user, claim_id)
    return render_template("teams/decline.html", claim=claim, shift=claim.shift, task=claim.shift.task)


@bp.post("/claims/<int:claim_id>/decline")
@login_required
def decline(claim_id: int):
    """Decline a place my team claimed for me; it goes to the waitlist and the leader is told."""
    claim = get_own_claim(current_user, claim_id)
    team_id = claim.team_id
    try:
        services.decline_team_claim(current_user, claim)
    except Conflict as exc:
        flash(str(exc.message), "error")
    else:
        flash(
            _(
                "You declined “%(task)s” %(when)s. The team's leader is told.",
                task=claim.shift.task.title,
                when=shift_span(claim.shift.starts_at, claim.shift.ends_at),
            ),
            "success",
        )
    return redirect(url_for("teams.detail", team_id=team_id) if team_id else url_for("claims.my_shifts"))
