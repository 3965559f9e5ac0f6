"""Account use cases: register, authenticate, sessions and tokens, profile, password."""

import logging
from collections.abc import Callable
from datetime import date

import redis
import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from rq import Retry

from volunteer_hub.accounts import codes, passwords, quiet_hours, tokens
from volunteer_hub.accounts.models import Qualification, User
from volunteer_hub.accounts.phones import normalise_mobile
from volunteer_hub.catalogue import AVAILABILITY_CODES, QUALIFICATION_CODES, SKILL_CODES
from volunteer_hub.core import queue
from volunteer_hub.core.errors import Conflict, NotAuthenticated, NotFound, RateLimited, ValidationError
from volunteer_hub.core.geo import valid_lat, valid_lon
from volunteer_hub.core.inputs import strip_text
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.messaging import limits, sms
from volunteer_hub.messaging.errors import SendFailed

log = logging.getLogger(__name__)
NAME_MAX = 50
LOCALES = ("zh", "en")
MAX_WEEKLY_HOURS = 168
MAX_NOTIFY_PER_DAY = 20
INSURANCE_PROVIDER_MAX = 100
PHONE_INVALID = _l("Enter an 11-digit mainland mobile number, e.g. 13812345678.")
PHONE_TAKEN = _l("This phone number is already registered. Log in instead.")
PHONE_OF_ANOTHER = _l("This number belongs to another account.")
CODE_INVALID = _l("This code is wrong or no longer valid. Ask for a new code.")
SEND_CODE_JOB = "volunteer_hub.accounts.jobs.send_verification_code"
# A home community is an organisation, and the page a login lands on depends on roles in organisations; orgs builds
# on accounts, so it registers at app creation: "get"(org_id) -> the organisation (lat, lon) or None, "choices"() ->
# [(id, name)] of the communities a volunteer may pick, "landing"(user) -> the endpoint a login lands on, "roles"(user)
# -> [{"org_id", "org_name", "role"}] of the user's role grants.
_ORGS: dict[str, Callable] = {}


def register_orgs(*, get: Callable, choices: Callable, landing: Callable, roles: Callable) -> None:
    """How accounts reaches organisations (see _ORGS)."""
    _ORGS.update(get=get, choices=choices, landing=landing, roles=roles)


def roles_of(user: User) -> list[dict]:
    """The user's roles in organisations: [{"org_id", "org_name", "role"}], oldest grant first."""
    return _ORGS["roles"](user)


def home_community_choices() -> list[tuple[int, str]]:
    """(id, name) of the communities a volunteer may pick as home, in the reader's language."""
    return _ORGS["choices"]()


def landing_endpoint(user: User) -> str:
    """Where a login lands without a `next`: management for organizers, the dashboard for reviewers, else the
    nearby tasks."""
    return _ORGS["landing"](user)


def _clean_name(name) -> str:
    name = strip_text(name)
    if not name:
        raise ValidationError(fields={"name": _l("Please enter your name.")})
    if len(name) > NAME_MAX:
        raise ValidationError(fields={"name": _l("Use at most %(n)d characters.", n=NAME_MAX)})
    return name


def _clean_phone(raw) -> str:
    phone = normalise_mobile(raw or "")
    if phone is None:
        raise ValidationError(fields={"phone": PHONE_INVALID})
    return phone


def _invalid(errors: dict) -> ValidationError:
    """All field errors at once; the error code is invalid_code when the code is among them (clients ask again)."""
    return ValidationError(fields=errors, code="invalid_code" if "code" in errors else None)


def _check_registration(phone, name, password, code, *, need_code: bool = True) -> tuple[str, str, int | None]:
    """The normalised phone and name and the id of the valid code. Every field's problem is reported in one
    ValidationError; a taken number is told only to whoever holds a valid code for it (no enumeration): alone it
    stays a Conflict (the API's phone_taken), beside other problems it is one more field error."""
    errors: dict = {}
    normalised = normalise_mobile(phone or "")
    if normalised is None:
        errors["phone"] = PHONE_INVALID
    try:
        name = _clean_name(name)
    except ValidationError as exc:
        errors.update(exc.fields)
    problem = passwords.password_problem(password or "", user_inputs=((normalised or "")[3:], name or ""))
    if problem:
        errors["password"] = problem
    code_id = codes.check(normalised, codes.REGISTER, code) if normalised and need_code else None
    if normalised is None:
        pass  # no code can be sent to it: the number's own error says what to fix
    elif need_code and code_id is None:
        errors["code"] = CODE_INVALID
    elif get_user_by_phone(normalised) is not None:
        if not errors:
            raise Conflict(PHONE_TAKEN, code="phone_taken")
        errors["phone"] = PHONE_TAKEN
    if errors or normalised is None:  # an unusable number has its error
        raise _invalid(errors)
    return normalised, name, code_id


def register(phone: str, name: str, password: str, *, code: str | None, locale: str | None = None) -> User:
    """Create a volunteer account; the phone number is the login, proved by the code sent to it."""
    phone, name, code_id = _check_registration(phone, name, password, code)
    # code_id is there: without a valid code _check_registration refused
    if code_id is None or not codes.consume(code_id):  # the same code used twice at once
        db.session.rollback()
        raise _invalid({"code": CODE_INVALID})
    return _add_user(phone, name, password, locale=locale, verified=True)


def create_account(phone: str, name: str, password: str, *, locale: str | None = None) -> User:
    """Create an account without a code (the administrator's CLI, demo data): the number is not verified."""
    phone, name, _ = _check_registration(phone, name, password, None, need_code=False)
    return _add_user(phone, name, password, locale=locale, verified=False)


def _add_user(phone: str, name: str, password: str, *, locale: str | None, verified: bool) -> User:
    user = User(phone=phone, name=name, password_hash=passwords.hash_password(password))
    user.phone_verified_at = now() if verified else None
    user.locale = locale if locale in LOCALES else None
    db.session.add(user)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # two registrations raced for the same number
        db.session.rollback()
        raise Conflict(PHONE_TAKEN, code="phone_taken") from None
    return user


def request_code(phone, purpose, *, client_ip: str, locale: str | None = None) -> int:
    """Send a one-time code to a number and return its lifetime in seconds.

    The answer is the same for every valid number (no enumeration): every request counts against the per-IP and
    per-number limits, stores a code and hands it to the sending job; the job decides whether the number gets an
    SMS (send_code), off the request path, so neither the answer nor its timing tells whether an account exists.
    """
    errors = {}
    normalised = normalise_mobile(phone or "") if isinstance(phone, str) else None
    if normalised is None:
        errors["phone"] = PHONE_INVALID
    if purpose not in codes.PURPOSES:
        errors["purpose"] = _l("Choose one of: %(choices)s.", choices=", ".join(codes.PURPOSES))
    if errors or normalised is None:  # an unusable number has its error
        raise ValidationError(fields=errors)
    try:
        wait = limits.take("SMS_CODE_LIMIT_PER_IP", client_ip) or limits.take("SMS_CODE_LIMIT_PER_NUMBER", normalised)
    except redis.RedisError as exc:
        # Without the shared counters nothing bounds how many SMS a number receives: send none for now.
        log.warning("verification code: limits unavailable (%s), none sent", exc)
        raise RateLimited(
            _l("Codes cannot be sent just now. Please try again in a minute."),
            retry_after=60,
            status=503,
            code="service_unavailable",
        ) from None
    if wait:
        raise RateLimited(_l("Too many codes asked for. Please wait and try again."), retry_after=wait)
    _, code = codes.issue(normalised, purpose)
    db.session.commit()
    _hand_over(normalised, purpose, code, locale if locale in LOCALES else None)
    return codes.TTL_S


def _hand_over(phone: str, purpose: str, code: str, locale: str | None) -> None:
    """Enqueue the sending job. Its arguments (the code) live in Redis only until it ran: no result is kept, a
    failed job is dropped when the code expires, a job not started by then expires unstarted. Without a queue the
    code is sent from this request (the one case where timing could tell a registered number)."""
    try:
        queue.get_queue().enqueue(
            SEND_CODE_JOB,
            phone,
            purpose,
            code,
            locale,
            job_timeout=current_app.config["JOB_TIMEOUT_S"],
            ttl=codes.TTL_S,
            result_ttl=0,
            failure_ttl=codes.TTL_S,
            retry=Retry(max=2, interval=[10, 30]),
        )
    except redis.RedisError as exc:
        log.warning("verification code: queue unavailable (%s), sending from the request", exc)
        try:
            send_code(phone, purpose, code, locale)
        except SendFailed as failure:
            log.warning("verification code to %s not sent: %s", phone[:6] + "…", failure)
        except Exception:  # a provider's failure must not become a 500: the person asks again
            log.exception("verification code to %s: the SMS sender failed", phone[:6] + "…")


def _gets_code(phone: str, purpose: str) -> bool:
    """Who is sent an SMS: reset and login codes only reach the numbers of active accounts; register and
    change_phone codes reach any number (its holder learns the number is taken only with the code in hand)."""
    if purpose in (codes.RESET, codes.LOGIN):
        user = get_user_by_phone(phone)
        return user is not None and user.active
    return True


def send_code(phone: str, purpose: str, code: str, locale: str | None = None) -> bool:
    """Send the code by SMS if it is still live and the number qualifies (see _gets_code); True when sent.
    Raises messaging.errors.SendFailed (Retryable: try again while the code lives)."""
    code_id = codes.live_id(phone, purpose, code)
    if code_id is None or not _gets_code(phone, purpose):
        return False
    template = sms.template_for(sms.CODE_KIND)
    if template is None:
        log.warning("SMS_TEMPLATES has no verification_code template: login codes cannot be sent")
        return False
    with force_locale(locale or "zh"):
        text = _(
            "Your verification code is %(code)s. It is valid for %(minutes)d minutes. Never tell it to anyone.",
            code=code,
            minutes=codes.TTL_S // 60,
        )
    sms.sender().send(phone, template, {"code": code}, text=text, out_id=f"vc{code_id}")
    return True


def get_user_by_phone(phone: str) -> User | None:
    return db.session.execute(sa.select(User).where(User.phone == phone)).scalar_one_or_none()


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such user."))
    return user


_DUMMY_HASH = None


def authenticate(phone: str, password: str) -> User:
    """The user with these credentials; upgrades an outdated password hash on the way."""
    global _DUMMY_HASH
    normalised = normalise_mobile(phone or "")
    user = get_user_by_phone(normalised) if normalised else None
    if user is None or not user.active:
        # Spend the same time as a real check so response times do not reveal registered numbers.
        _DUMMY_HASH = _DUMMY_HASH or passwords.hash_password("not-a-real-password")
        passwords.verify_password(_DUMMY_HASH, password or "")
        raise NotAuthenticated(_l("Wrong phone number or password."), code="invalid_credentials")
    ok, upgraded = passwords.verify_password(user.password_hash, password or "")
    if not ok:
        raise NotAuthenticated(_l("Wrong phone number or password."), code="invalid_credentials")
    if upgraded:
        user.password_hash = upgraded
        db.session.commit()
    return user


def start_session(user: User, kind: str = tokens.SESSION) -> str:
    """Issue a login session (web) or bearer token (API) and return its secret."""
    raw = tokens.issue(user, kind)
    db.session.commit()
    return raw


def end_session(raw: str | None) -> None:
    """Log out: the session's token stops working everywhere it was copied."""
    if raw:
        tokens.revoke(raw)
        db.session.commit()


def _user_for_code(phone, purpose: str, code, errors: dict) -> tuple[User | None, int | None]:
    """The active account of ``phone`` and the id of its valid code; problems go into ``errors``. An unknown number
    reads as a wrong code (no enumeration)."""
    normalised = normalise_mobile(phone or "") if isinstance(phone, str) else None
    if normalised is None:
        errors["phone"] = PHONE_INVALID
        return None, None
    code_id = codes.check(normalised, purpose, code)
    user = get_user_by_phone(normalised) if code_id is not None else None
    if user is None or not user.active:
        errors["code"] = CODE_INVALID
        return None, None
    return user, code_id


def _use_code(user: User, code_id: int) -> None:
    """Consume the code in the current transaction; it also proves the account's number."""
    if not codes.consume(code_id):
        db.session.rollback()
        raise _invalid({"code": CODE_INVALID})
    if user.phone_verified_at is None:
        user.phone_verified_at = now()


def authenticate_by_code(phone, code) -> User:
    """The account of ``phone`` when ``code`` is its live login code (consumed). Not counted by the password
    throttle: this is the way in while password attempts are blocked; the code's 5 tries and the per-number send
    limits bound guessing."""
    errors: dict = {}
    user, code_id = _user_for_code(phone, codes.LOGIN, code, errors)
    if errors or user is None or code_id is None:  # no account or code: errors says why
        raise _invalid(errors)
    _use_code(user, code_id)
    db.session.commit()
    return user


def reset_password(phone, code, password) -> User:
    """Set a new password with a reset code sent to the account's number; every session and token of the account
    ends (whoever knew the old password is logged out)."""
    errors: dict = {}
    user, code_id = _user_for_code(phone, codes.RESET, code, errors)
    normalised = normalise_mobile(phone) if isinstance(phone, str) else None
    name = user.name if user is not None else ""
    problem = passwords.password_problem(password or "", user_inputs=((normalised or "")[3:], name))
    if problem:
        errors["password"] = problem
    if errors or user is None or code_id is None:  # no account or code: errors says why
        raise _invalid(errors)
    _use_code(user, code_id)
    user.password_hash = passwords.hash_password(password)
    tokens.revoke_all(user)
    db.session.commit()
    return user


def change_phone(user: User, phone, code) -> User:
    """Move the account to a new number once the change_phone code sent to that number is given; giving the
    account's own number with its code confirms it (accounts from before codes existed)."""
    normalised = normalise_mobile(phone or "") if isinstance(phone, str) else None
    if normalised is None:
        raise ValidationError(fields={"phone": PHONE_INVALID})
    code_id = codes.check(normalised, codes.CHANGE_PHONE, code)
    if code_id is None:
        raise _invalid({"code": CODE_INVALID})
    if normalised != user.phone and get_user_by_phone(normalised) is not None:
        raise Conflict(PHONE_OF_ANOTHER, code="phone_taken")
    if not codes.consume(code_id):
        db.session.rollback()
        raise _invalid({"code": CODE_INVALID})
    user.phone = normalised
    user.phone_verified_at = now()
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # another account took the number meanwhile
        db.session.rollback()
        raise Conflict(PHONE_OF_ANOTHER, code="phone_taken") from None
    return user


def change_password(user: User, current: str, new: str) -> str:
    """Set a new password, end every session and token of the user, and return a fresh web session."""
    errors = {}
    ok, _ = passwords.verify_password(user.password_hash, current or "")
    if not ok:
        errors["current_password"] = _l("The current password is not correct.")
    problem = passwords.password_problem(new or "", user_inputs=(user.phone[3:], user.name))
    if problem:
        errors["new_password"] = problem
    if errors:
        raise ValidationError(fields=errors)
    user.password_hash = passwords.hash_password(new)
    tokens.revoke_all(user)
    raw = tokens.issue(user, tokens.SESSION)
    db.session.commit()
    return raw


def update_profile(user: User, **changes) -> User:  # noqa: C901 -- one branch per optional field, all errors at once
    """Apply profile changes; every field is optional. Unknown skills or out-of-range values are refused."""
    errors = {}
    if "name" in changes:
        try:
            user.name = _clean_name(changes["name"])
        except ValidationError as exc:
            errors.update(exc.fields)
    if "skills" in changes:
        skills = list(changes["skills"] or [])
        unknown = sorted(set(skills) - SKILL_CODES)
        if unknown:
            errors["skills"] = _l("Unknown skill: %(codes)s", codes=", ".join(unknown))
        else:
            user.skills = skills
    if "availability" in changes:
        bands = list(changes["availability"] or [])
        unknown = sorted(set(bands) - set(AVAILABILITY_CODES))
        if unknown:
            errors["availability"] = _l("Unknown availability: %(codes)s", codes=", ".join(unknown))
        else:
            user.availability = bands
    if "max_weekly_hours" in changes:
        hours = changes["max_weekly_hours"]
        if not isinstance(hours, int) or not 1 <= hours <= MAX_WEEKLY_HOURS:
            errors["max_weekly_hours"] = _l("Enter whole hours from 1 to %(n)d.", n=MAX_WEEKLY_HOURS)
        else:
            user.max_weekly_hours = hours
    if "party_member" in changes:
        user.party_member = bool(changes["party_member"])
    _apply_match_settings(user, changes, errors)
    _apply_safety_profile(user, changes, errors)
    if "locale" in changes:
        if changes["locale"] not in LOCALES:
            errors["locale"] = _l("Choose zh or en.")
        else:
            user.locale = changes["locale"]
    if "home_org_id" in changes:
        _apply_home_org(user, changes["home_org_id"], errors)
    if "lat" in changes or "lon" in changes:
        _apply_location(user, changes.get("lat"), changes.get("lon"), errors)
    if errors:
        db.session.rollback()
        raise ValidationError(fields=errors)
    db.session.commit()
    return user


def _apply_match_settings(user: User, changes: dict, errors: dict) -> None:
    """Match notifications: daily budget, quiet hours ("22:00-07:00"; empty or None for none), opt-out."""
    if "notify_max_per_day" in changes:
        count = changes["notify_max_per_day"]
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_NOTIFY_PER_DAY:
            errors["notify_max_per_day"] = _l("Enter a whole number from 0 to %(n)d.", n=MAX_NOTIFY_PER_DAY)
        else:
            user.notify_max_per_day = count
    if "quiet_hours" in changes:
        if not changes["quiet_hours"]:
            user.quiet_start_min = user.quiet_end_min = None
        else:
            try:
                user.quiet_start_min, user.quiet_end_min = quiet_hours.parse(changes["quiet_hours"])
            except ValueError:
                errors["quiet_hours"] = _l("Enter two different times as HH:MM-HH:MM, e.g. 22:00-07:00.")
    if "match_opt_out" in changes:
        user.match_opt_out = bool(changes["match_opt_out"])


def _apply_safety_profile(user: User, changes: dict, errors: dict) -> None:
    """Birth date (night shifts are for adults), the Party badge opt-in, insurance and qualifications."""
    today = date.today()
    if "birth_date" in changes:
        born = changes["birth_date"]
        if born is not None and not date(1900, 1, 1) <= born <= today:
            errors["birth_date"] = _l("Enter your real date of birth.")
        else:
            user.birth_date = born
    if "show_party_badge" in changes:
        user.show_party_badge = bool(changes["show_party_badge"])
    if "insurance_provider" in changes:
        provider = (changes["insurance_provider"] or "").strip()
        if len(provider) > INSURANCE_PROVIDER_MAX:
            errors["insurance_provider"] = _l("Use at most %(n)d characters.", n=INSURANCE_PROVIDER_MAX)
        else:
            user.insurance_provider = provider or None
    if "insurance_valid_until" in changes:
        user.insurance_valid_until = changes["insurance_valid_until"]
    insurance = {"insurance_provider", "insurance_valid_until"}
    if (
        changes.keys() & insurance
        and not errors.keys() & insurance
        and (user.insurance_provider is None) != (user.insurance_valid_until is None)
    ):
        missing = "insurance_provider" if user.insurance_provider is None else "insurance_valid_until"
        errors[missing] = _l("Give both the insurance provider and the date it is valid until.")
    if "qualifications" in changes:
        _apply_qualifications(user, changes["qualifications"] or [], errors)


def _apply_qualifications(user: User, items: list[dict], errors: dict) -> None:
    """Replace the volunteer's qualifications with items: [{code, issuer?, valid_until?}]."""
    unknown = sorted({item["code"] for item in items} - QUALIFICATION_CODES)
    if unknown:
        errors["qualifications"] = _l("Unknown qualification: %(codes)s", codes=", ".join(unknown))
        return
    wanted = {item["code"]: item for item in items}
    held = {
        row.code: row
        for row in db.session.execute(sa.select(Qualification).where(Qualification.user_id == user.id)).scalars()
    }
    for code, row in held.items():
        if code not in wanted:
            db.session.delete(row)
    for code, item in wanted.items():
        row = held.get(code) or Qualification(user_id=user.id, code=code)
        row.issuer = (item.get("issuer") or "").strip()[:100]
        row.valid_until = item.get("valid_until")
        db.session.add(row)


def list_qualifications(user: User) -> list[Qualification]:
    """The volunteer's recorded qualifications, by code."""
    return list(
        db.session.execute(
            sa.select(Qualification).where(Qualification.user_id == user.id).order_by(Qualification.code)
        ).scalars()
    )


def _apply_location(user: User, lat, lon, errors: dict) -> None:
    if lat is None and lon is None:
        user.lat = user.lon = None
        return
    if lat is None or lon is None:
        errors["lat" if lat is None else "lon"] = _l("Give both latitude and longitude.")
        return
    if not valid_lat(lat):
        errors["lat"] = _l("Latitude must be between -90 and 90.")
    if not valid_lon(lon):
        errors["lon"] = _l("Longitude must be between -180 and 180.")
    if "lat" not in errors and "lon" not in errors:
        user.lat, user.lon = float(lat), float(lon)


def _apply_home_org(user: User, org_id, errors: dict) -> None:
    """Picking one's community also sets the home location to its centroid."""
    if org_id is None:
        user.home_org_id = None
        return
    org = _ORGS["get"](org_id)
    if org is None:
        errors["home_org_id"] = _l("No such community.")
        return
    user.home_org_id = org.id
    if org.lat is not None and org.lon is not None:
        user.lat, user.lon = org.lat, org.lon


def create_admin(phone: str, password: str, name: str) -> User:
    """Create (or promote) a platform administrator: organizer and reviewer everywhere."""
    phone = _clean_phone(phone)
    user = get_user_by_phone(phone)
    if user is None:
        user = create_account(phone, name, password)
    user.is_admin = True
    db.session.commit()
    return user
