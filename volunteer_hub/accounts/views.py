"""Account pages: register, log in and out, profile, password."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from volunteer_hub.accounts import services
from volunteer_hub.accounts.forms import LoginForm, PasswordForm, ProfileForm, RegisterForm
from volunteer_hub.accounts.throttle import login_limits, register_limits
from volunteer_hub.core.errors import Conflict, NotAuthenticated, ValidationError
from volunteer_hub.core.forms import apply_errors
from volunteer_hub.core.security import safe_next

bp = Blueprint("accounts", __name__)


def _status(form) -> int:
    return 400 if form.errors else 200


@bp.route("/register", methods=["GET", "POST"])
@register_limits
def register():
    """Create a volunteer account, log it in and go on (to `next`, else to the profile)."""
    form = RegisterForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = services.register(form.phone.data, form.name.data, form.password.data, locale=str(get_locale()))
        except ValidationError as exc:
            apply_errors(form, exc.fields)
        except Conflict as exc:
            form.phone.errors.append(str(exc.message))
        else:
            services.start_session(user)
            login_user(user)
            flash(_("Welcome! Add your skills and location so we can show you tasks nearby."), "success")
            return redirect(safe_next(form.next.data, url_for("accounts.edit_profile")))
    return render_template("accounts/register.html", form=form), _status(form)


@bp.route("/login", methods=["GET", "POST"])
@login_limits
def login():
    """Log in with mobile number and password; afterwards follow `next`, but only to a page of this site, else go
    to the user's home: management for organizers, the dashboard for reviewers, nearby tasks for volunteers."""
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.phone.data, form.password.data)
        except NotAuthenticated as exc:
            form.form_errors.append(str(exc.message))
        else:
            services.start_session(user)
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data, url_for(services.landing_endpoint(user))))
    # A failed login answers 200 with the form again: the throttle counts exactly these as failures.
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """End this login session everywhere its cookie was copied."""
    services.end_session(current_user.login_token)
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("tasks.index"))


@bp.get("/me")
@login_required
def me():
    """My profile summary and settings."""
    return render_template(
        "accounts/me.html", user=current_user, qualifications=services.list_qualifications(current_user)
    )


@bp.route("/me/edit", methods=["GET", "POST"])
@login_required
def edit_profile():
    """Edit name, skills, availability, Party badge, weekly hours, home community and location."""
    user = current_user._get_current_object()
    form = ProfileForm(obj=user, communities=services.home_community_choices())
    held = services.list_qualifications(user)
    if not form.is_submitted():
        form.load(user, held)
    if form.validate_on_submit():
        try:
            services.update_profile(user, **form.changes(user, held))
        except ValidationError as exc:
            apply_errors(form, exc.fields)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.me"))
    return render_template("accounts/edit.html", form=form), _status(form)


@bp.route("/me/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password; every other session and token of the account stops working."""
    user = current_user._get_current_object()
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(user, form.current_password.data, form.new_password.data)
        except ValidationError as exc:
            apply_errors(form, exc.fields)
        else:
            # The service issued a new session token (user.login_token): keep this phone logged in with it.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(user, remember=remembered)
            flash(_("Your password is changed. You were logged out everywhere else."), "success")
            return redirect(url_for("accounts.me"))
    return render_template("accounts/password.html", form=form), _status(form)
