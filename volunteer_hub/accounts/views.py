"""Account pages: register, log in and out (with a password or an SMS code), profile, password and its reset,
the mobile number."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from volunteer_hub.accounts import codes, services
from volunteer_hub.accounts.forms import (
    CodeLoginForm,
    LoginForm,
    PasswordForm,
    PhoneForm,
    ProfileForm,
    RegisterForm,
    ResetForm,
)
from volunteer_hub.accounts.throttle import code_limits, login_limits, register_limits
from volunteer_hub.core.errors import Conflict, NotAuthenticated, RateLimited, ValidationError
from volunteer_hub.core.forms import apply_errors
from volunteer_hub.core.security import safe_next

bp = Blueprint("accounts", __name__)


def _status(form) -> int:
    return 400 if form.errors else 200


def _asked_for_code(form) -> bool:
    """The "Send code" button was pressed (it submits the whole form, so what was typed stays)."""
    return form.is_submitted() and bool(form.send_code.data)


def _send_code(form, purpose: str) -> tuple[str | None, int]:
    """Send a code to the number in the form: (the notice to show, the page's status). Problems go on the form."""
    try:
        services.request_code(form.phone.data, purpose, client_ip=get_remote_address(), locale=str(get_locale()))
    except ValidationError as exc:
        apply_errors(form, exc.fields)
        return None, 400
    except RateLimited as exc:
        form.form_errors.append(
            _("Please wait %(seconds)d seconds before asking for another code.", seconds=exc.retry_after)
        )
        return None, exc.status
    form.code.data = ""
    minutes = codes.TTL_S // 60
    if purpose in (codes.RESET, codes.LOGIN):
        # The same words for every number: the page must not tell who has an account.
        notice = _(
            "If this number has an account, a 6-digit code is on its way. It is valid for %(minutes)d minutes.",
            minutes=minutes,
        )
    else:
        notice = _("A 6-digit code is on its way to this number. It is valid for %(minutes)d minutes.", minutes=minutes)
    return notice, 200


@bp.route("/register", methods=["GET", "POST"])
@register_limits
def register():
    """Create a volunteer account with the code sent to the number, log it in and go on (to `next`, else to the
    profile)."""
    form = RegisterForm(next=request.args.get("next", ""))
    notice, status = None, 200
    if _asked_for_code(form):
        notice, status = _send_code(form, codes.REGISTER)
    else:
        if form.validate_on_submit():
            try:
                user = services.register(
                    form.phone.data, form.name.data, form.password.data, code=form.code.data, locale=str(get_locale())
                )
            except ValidationError as exc:
                apply_errors(form, exc.fields)
            except Conflict as exc:
                form.phone.errors.append(str(exc.message))
            else:
                services.start_session(user)
                login_user(user)
                flash(_("Welcome! Add your skills and location so we can show you tasks nearby."), "success")
                return redirect(safe_next(form.next.data, url_for("accounts.edit_profile")))
        status = _status(form)
    return render_template("accounts/register.html", form=form, notice=notice), status


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
            destination = safe_next(form.next.data, url_for(services.landing_endpoint(user)))
            if user.phone_verified_at is None:
                # Accounts from before codes existed: ask once per login to confirm the number (skippable).
                return redirect(url_for("accounts.phone", next=destination))
            return redirect(destination)
    # A failed login answers 200 with the form again: the throttle counts exactly these as failures.
    return render_template("accounts/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
@code_limits
def login_with_code():
    """Log in with a code sent by SMS instead of the password: simpler on a phone, and the way in while password
    attempts are blocked."""
    form = CodeLoginForm(next=request.args.get("next", ""))
    notice, status = None, 200
    if _asked_for_code(form):
        notice, status = _send_code(form, codes.LOGIN)
    else:
        if form.validate_on_submit():
            try:
                user = services.authenticate_by_code(form.phone.data, form.code.data)
            except ValidationError as exc:
                apply_errors(form, exc.fields)
            else:
                services.start_session(user)
                login_user(user, remember=form.remember.data)
                return redirect(safe_next(form.next.data, url_for(services.landing_endpoint(user))))
        status = _status(form)
    return render_template("accounts/login_code.html", form=form, notice=notice), status


@bp.route("/password/reset", methods=["GET", "POST"])
@code_limits
def reset_password():
    """Forgotten password: a code sent to the number, then a new password; every session of the account ends."""
    form = ResetForm()
    notice, status = None, 200
    if _asked_for_code(form):
        notice, status = _send_code(form, codes.RESET)
    else:
        if form.validate_on_submit():
            try:
                services.reset_password(form.phone.data, form.code.data, form.password.data)
            except ValidationError as exc:
                apply_errors(form, exc.fields)
            else:
                flash(_("Your password is changed. Log in with the new one."), "success")
                return redirect(url_for("accounts.login"))
        status = _status(form)
    return render_template("accounts/reset.html", form=form, notice=notice), status


@bp.route("/me/phone", methods=["GET", "POST"])
@login_required
def phone():
    """Change the mobile number (the code goes to the new one), or confirm the current one: the page a password
    login of an unconfirmed account lands on first, with a way to skip."""
    user = current_user._get_current_object()
    form = PhoneForm(next=request.args.get("next", ""))
    if not form.is_submitted():
        form.phone.data = user.phone.removeprefix("+86")
    notice, status = None, 200
    if _asked_for_code(form):
        notice, status = _send_code(form, codes.CHANGE_PHONE)
    else:
        if form.validate_on_submit():
            try:
                services.change_phone(user, form.phone.data, form.code.data)
            except ValidationError as exc:
                apply_errors(form, exc.fields)
            except Conflict as exc:
                form.phone.errors.append(str(exc.message))
            else:
                flash(_("Your mobile number is confirmed."), "success")
                return redirect(safe_next(form.next.data, url_for("accounts.me")))
        status = _status(form)
    skip = safe_next(form.next.data, url_for("accounts.me"))
    confirming = user.phone_verified_at is None
    return (
        render_template("accounts/phone.html", form=form, notice=notice, confirming=confirming, skip=skip),
        status,
    )


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
