"""Help pages. Residents: ask for help (with or without an account), follow a request, thank the volunteer.
Organizers: the inbox of their communities' open requests, accept or decline."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer_hub.core.errors import DomainError, NotFound, ValidationError
from volunteer_hub.core.forms import apply_errors
from volunteer_hub.core.links import external_url
from volunteer_hub.core.responses import no_store
from volunteer_hub.help import queries, rules, services
from volunteer_hub.help.forms import AcceptForm, DeclineForm, RequestForm, ThanksForm
from volunteer_hub.help.throttle import help_request_limits
from volunteer_hub.orgs.access import staff_required

bp = Blueprint("help", __name__)
bp.add_app_template_filter(rules.type_label, "help_type")
bp.add_app_template_filter(rules.status_label, "help_status")
# Task pages show the resident's contact block only where help.rules allows it.
bp.add_app_template_global(lambda task: rules.task_contact(current_user, task), "help_contact")
bp.add_app_template_global(rules.task_limits_hint, "help_task_limits")
# The volunteer's service history shows residents' thanks.
bp.add_app_template_global(lambda: queries.thanks_for(current_user), "residents_thanks")


# --- residents ---


@bp.route("/help/new", methods=["GET", "POST"])
@help_request_limits
def ask():
    """Ask for help: logged in, or with just a name and a mobile number (throttled per account or address)."""
    user = current_user if current_user.is_authenticated else None
    form = RequestForm(communities=queries.community_choices())
    if request.method == "GET" and user is not None:
        form.contact_name.data, form.contact_phone.data = user.name, user.phone.removeprefix("+86")
        form.community_id.data = user.home_org_id
    if form.is_submitted() and not form.validate():
        # A field the form could not read (a time, a coordinate) must not hide the other fields' problems.
        try:
            services.check_request(user, **form.values())
        except ValidationError as exc:
            apply_errors(form, exc.fields, keep_own=True)
    elif form.is_submitted():
        try:
            created, token = services.create_request(user, **form.values())
        except ValidationError as exc:
            apply_errors(form, exc.fields)
        else:
            flash(_("Your request was sent to %(community)s.", community=queries.community_of(created).name), "success")
            if token:
                return redirect(url_for("help.follow", token=token, new=1))
            return redirect(url_for("help.mine_detail", request_id=created.id))
    return render_template("help/ask.html", form=form), (400 if form.errors else 200)


def _status_page(help_request, *, thank_url: str, thanks_form=None, follow_url: str | None = None, status=200):
    """The resident's view of a request: status, who is coming (names only), the decline reason, thanks."""
    return render_template(
        "help/status.html",
        item=help_request,
        status=rules.display_status(help_request),
        community=queries.community_of(help_request),
        coming=queries.coming_names(help_request),
        can_thank=rules.can_thank(help_request),
        thanks_form=thanks_form or ThanksForm(),
        thank_url=thank_url,
        follow_url=follow_url,
    ), status


def _by_token(token: str):
    found = queries.get_by_token(token)
    if found is None:
        raise NotFound(_("This follow-up link is not valid. Check that you copied all of it."))
    return found


@bp.get("/help/r/<token>")
@no_store
def follow(token: str):
    """A request asked without an account, opened from its private follow-up link."""
    found = _by_token(token)
    return _status_page(
        found,
        thank_url=url_for("help.thank_by_token", token=token),
        follow_url=external_url("help.follow", token=token) if request.args.get("new") else None,
    )


def _thank(found, form, done: str, thank_url: str):
    if form.validate_on_submit():
        try:
            services.thank(found, form.message.data)
        except ValidationError as exc:
            apply_errors(form, exc.fields)
        except DomainError as exc:
            flash(str(exc.message), "error")
            return redirect(done)
        else:
            flash(_("Thank you. The volunteer will see your message."), "success")
            return redirect(done)
    return _status_page(found, thank_url=thank_url, thanks_form=form, status=400)


@bp.post("/help/r/<token>/thanks")
def thank_by_token(token: str):
    """Thank the volunteer from the follow-up link."""
    found = _by_token(token)
    url = url_for("help.thank_by_token", token=token)
    return _thank(found, ThanksForm(), url_for("help.follow", token=token), url)


@bp.get("/help/mine")
@login_required
def mine():
    """My requests for help, newest first."""
    items = queries.mine(current_user)
    return render_template("help/mine.html", items=[(item, rules.display_status(item)) for item in items])


def _own(request_id: int):
    found = queries.get_request(request_id)
    if found is None or not rules.is_requester(current_user, found):
        raise NotFound(_("No such request."))
    return found


@bp.get("/help/requests/<int:request_id>")
@login_required
def mine_detail(request_id: int):
    """One of my requests."""
    return _status_page(_own(request_id), thank_url=url_for("help.thank_mine", request_id=request_id))


@bp.post("/help/requests/<int:request_id>/thanks")
@login_required
def thank_mine(request_id: int):
    """Thank the volunteer for one of my requests."""
    found = _own(request_id)
    url = url_for("help.thank_mine", request_id=request_id)
    return _thank(found, ThanksForm(), url_for("help.mine_detail", request_id=request_id), url)


# --- organizers ---


@bp.get("/org/help")
@staff_required
def inbox():
    """Open requests in my communities: needed soonest first."""
    items = queries.inbox(current_user)
    return render_template(
        "help/inbox.html",
        items=[(item, queries.community_of(item), rules.private_contact(current_user, item)) for item in items],
    )


def _decided(request_id: int):
    found = queries.get_request(request_id)
    if found is None:
        raise NotFound(_("No such request."))
    rules.require_decide(current_user, found)
    return found


def _decide_page(found, *, decline_form=None, status=200):
    return render_template(
        "help/decide.html",
        item=found,
        status=rules.display_status(found),
        community=queries.community_of(found),
        contact=rules.private_contact(current_user, found),
        coming=queries.coming_names(found),
        accept_form=AcceptForm(),
        decline_form=decline_form or DeclineForm(),
    ), status


@bp.get("/org/help/<int:request_id>")
@staff_required
def decide(request_id: int):
    """One request with the resident's contact (while it is needed), to accept or decline."""
    return _decide_page(_decided(request_id))


@bp.post("/org/help/<int:request_id>/accept")
@staff_required
def accept(request_id: int):
    """Accept: a task with one shift is published and nearby volunteers are told."""
    found = _decided(request_id)
    if not AcceptForm().validate_on_submit():
        return _decide_page(found, status=400)
    try:
        task = services.accept_request(current_user, found)
    except DomainError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("help.decide", request_id=request_id))
    flash(_("Accepted. The task is published and nearby volunteers are being told."), "success")
    return redirect(url_for("organizer.task", task_id=task.id))


@bp.post("/org/help/<int:request_id>/decline")
@staff_required
def decline(request_id: int):
    """Decline with a reason the resident reads."""
    found = _decided(request_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            services.decline_request(current_user, found, form.reason.data)
        except ValidationError as exc:
            apply_errors(form, exc.fields)
        except DomainError as exc:
            flash(str(exc.message), "error")
            return redirect(url_for("help.decide", request_id=request_id))
        else:
            flash(_("Declined. The resident can read your reason."), "success")
            return redirect(url_for("help.inbox"))
    return _decide_page(found, decline_form=form, status=400)
