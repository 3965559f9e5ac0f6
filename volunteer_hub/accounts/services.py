"""Account use cases: register, authenticate, sessions and tokens, profile, password."""

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer_hub.accounts import passwords, quiet_hours, tokens
from volunteer_hub.accounts.models import Qualification, User
from volunteer_hub.accounts.phones import normalise_mobile
from volunteer_hub.catalogue import AVAILABILITY_CODES, QUALIFICATION_CODES, SKILL_CODES
from volunteer_hub.core.errors import Conflict, NotAuthenticated, NotFound, ValidationError
from volunteer_hub.core.geo import valid_lat, valid_lon
from volunteer_hub.core.inputs import strip_text
from volunteer_hub.extensions import db

NAME_MAX = 50
LOCALES = ("zh", "en")
MAX_WEEKLY_HOURS = 168
MAX_NOTIFY_PER_DAY = 20
INSURANCE_PROVIDER_MAX = 100
PHONE_INVALID = _l("Enter an 11-digit mainland mobile number, e.g. 13812345678.")
PHONE_TAKEN = _l("This phone number is already registered. Log in instead.")
# A home community is an organisation, and the page a login lands on depends on roles in organisations; orgs builds
# on accounts, so it registers at app creation: "get"(org_id) -> the organisation (lat, lon) or None, "choices"() ->
# [(id, name)] of the communities a volunteer may pick, "landing"(user) -> the endpoint a login lands on.
_ORGS: dict[str, Callable] = {}


def register_orgs(*, get: Callable, choices: Callable, landing: Callable) -> None:
    """How accounts reaches organisations (see _ORGS)."""
    _ORGS.update(get=get, choices=choices, landing=landing)


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


def _check_registration(phone, name, password) -> tuple[str, str]:
    """The normalised phone and name. Every field's problem is reported in one ValidationError; a taken number
    alone stays a Conflict (the API's phone_taken), beside other problems it is one more field error."""
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
    if normalised is not None and get_user_by_phone(normalised) is not None:
        if not errors:
            raise Conflict(PHONE_TAKEN, code="phone_taken")
        errors["phone"] = PHONE_TAKEN
    if errors:
        raise ValidationError(fields=errors)
    return normalised, name


def register(phone: str, name: str, password: str, *, locale: str | None = None) -> User:
    """Create a volunteer account; the phone number is the login."""
    phone, name = _check_registration(phone, name, password)
    user = User(phone=phone, name=name, password_hash=passwords.hash_password(password))
    user.locale = locale if locale in LOCALES else None
    db.session.add(user)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # two registrations raced for the same number
        db.session.rollback()
        raise Conflict(PHONE_TAKEN, code="phone_taken") from None
    return user


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
        user = register(phone, name, password)
    user.is_admin = True
    db.session.commit()
    return user
