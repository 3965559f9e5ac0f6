"""Configuration: safe defaults that run with nothing installed; environment variables override.

Tests and tools pass a mapping to ``create_app(config)`` which wins over both. Values are parsed by environs: a
malformed one (``NEARBY_RADIUS_KM=abc``) stops the start with an error that names the variable. Booleans take
1/0 (or true/false, yes/no, on/off); lists are comma-separated.
"""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import cast

from environs import Env


def database_url(url: str, instance_path: str) -> str:
    """The SQLAlchemy URL from DATABASE_URL (Heroku-style postgres:// accepted), else SQLite in instance/."""
    if not url:
        return f"sqlite:///{Path(instance_path) / 'volunteer_hub.db'}"
    return normalise_database_url(url)


def normalise_database_url(url: str) -> str:
    """Point plain postgres URLs at the psycopg 3 driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class MissingSetting(RuntimeError):
    """A setting that this deployment cannot start without."""


def single_machine(database_uri: str) -> bool:
    """SQLite means one machine (`make run`, tests, a small install); any other database means several
    processes, perhaps on several hosts, that must share one Redis and one secret key."""
    return database_uri.startswith("sqlite")


def require_shared_settings(config: Mapping) -> None:
    """Refuse to start a process of a multi-process deployment that lacks REDIS_URL or SECRET_KEY: with an
    embedded Redis of its own it would enqueue jobs no worker reads, and with a key of its own it would sign
    sessions the other hosts reject."""
    if single_machine(config["SQLALCHEMY_DATABASE_URI"]):
        return
    missing = [name for name in ("REDIS_URL", "SECRET_KEY") if not config.get(name)]
    if missing:
        raise MissingSetting(
            f"{' and '.join(missing)} must be set: with a database other than SQLite every web, worker and "
            "scheduler process has to share one Redis and one secret key, so none starts its own."
        )
    if not config.get("SMS_SENDER"):
        raise MissingSetting(
            "SMS_SENDER must be set (aliyun or tencent): with a database other than SQLite the development SMS "
            "sender, which publishes every login code at /dev/messages, is never chosen by default."
        )


def choose_senders(config: dict) -> None:
    """Fill in the development senders on a single machine and check the names (after require_shared_settings)."""
    local = single_machine(config["SQLALCHEMY_DATABASE_URI"])
    config["SMS_SENDER"] = config.get("SMS_SENDER") or "dev"
    config["EMAIL_SENDER"] = config.get("EMAIL_SENDER") or ("dev" if local else "none")
    for name, allowed in (("SMS_SENDER", ("dev", "aliyun", "tencent")), ("EMAIL_SENDER", ("dev", "smtp", "none"))):
        if config[name] not in allowed:
            raise MissingSetting(f"{name} must be one of {', '.join(allowed)}, not {config[name]!r}")
    missing = [name for name in SMS_PROVIDER_SETTINGS.get(config["SMS_SENDER"], ()) if not config.get(name)]
    if missing:
        raise MissingSetting(
            f"{', '.join(missing)} must be set for SMS_SENDER={config['SMS_SENDER']} (README, Reaching people): "
            "a real SMS sender needs the provider's keys and the registered signature."
        )

    require_smtp_settings(config)


def require_smtp_settings(config: Mapping) -> None:
    """EMAIL_SENDER=smtp needs a server and a sender address; refuse to start without them rather than fail
    every e-mail later in a worker's log."""
    if config["EMAIL_SENDER"] != "smtp":
        return
    missing = [name for name in ("SMTP_HOST", "MAIL_FROM") if not config.get(name)]
    if missing:
        raise MissingSetting(f"EMAIL_SENDER=smtp needs {' and '.join(missing)}")
    if config.get("SMTP_SECURITY") not in ("starttls", "ssl", "none"):
        raise MissingSetting(f"SMTP_SECURITY must be starttls, ssl or none, not {config.get('SMTP_SECURITY')!r}")


# What each real SMS sender cannot work without (choose_senders refuses to start without them).
SMS_PROVIDER_SETTINGS = {
    "aliyun": ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "SMS_SIGN_NAME"),
    "tencent": ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENT_SMS_SDK_APP_ID", "SMS_SIGN_NAME"),
}


def secret_key(configured: str, instance_path: str) -> str:
    """The configured SECRET_KEY, else (single machine only) one generated once into instance/secret_key.

    The file is created exclusively so that several processes starting at once agree on one key.
    """
    if configured:
        return configured
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def vapid_keys(config: Mapping, instance_path: str) -> dict:
    """The Web Push key pair: VAPID_PRIVATE_KEY from the environment (the public key is derived from it when
    VAPID_PUBLIC_KEY is not set, and must match it when it is), else on a single machine one generated once into
    instance/vapid_private_key (created exclusively, 0600, like the secret key) so `make run` has push. Off SQLite
    without a key, and in tests that set none, both stay empty: the push channel is off."""
    from volunteer_hub.messaging.push import new_private_key, normalise_private_key, public_key_for

    private = config.get("VAPID_PRIVATE_KEY") or ""
    if not private and single_machine(config["SQLALCHEMY_DATABASE_URI"]) and not config.get("TESTING"):
        path = Path(instance_path) / "vapid_private_key"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(new_private_key())
        private = path.read_text().strip()
    if not private:
        return {"VAPID_PRIVATE_KEY": "", "VAPID_PUBLIC_KEY": ""}
    try:
        private = normalise_private_key(private)
    except ValueError:
        raise MissingSetting("VAPID_PRIVATE_KEY is not a P-256 private key (PEM, or base64url raw or DER)") from None
    public = public_key_for(private)
    if config.get("VAPID_PUBLIC_KEY") and config["VAPID_PUBLIC_KEY"].rstrip("=") != public:
        raise MissingSetting("VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY (leave it empty to derive it)")
    return {"VAPID_PRIVATE_KEY": private, "VAPID_PUBLIC_KEY": public}


def load(instance_path: str) -> dict:
    """All settings, read from the environment at app creation."""
    env = Env()
    timezone = env.str("TIMEZONE", "Asia/Shanghai")
    return {
        # Empty means: generated into instance/ (single machine only, see require_shared_settings).
        "SECRET_KEY": env.str("SECRET_KEY", ""),
        "SQLALCHEMY_DATABASE_URI": database_url(env.str("DATABASE_URL", ""), instance_path),
        # Empty means: start (or reuse) the embedded server, see core.redis.
        "REDIS_URL": env.str("REDIS_URL", ""),
        "TIMEZONE": timezone,
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": timezone,
        "LANGUAGES": ("zh", "en"),
        # Sessions: at most 30 days remembered, HttpOnly, SameSite=Lax; Secure is added per request
        # when served over HTTPS (see core.security).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": 30 * 24 * 3600,
        "PERMANENT_SESSION_LIFETIME": 30 * 24 * 3600,
        "SESSION_TOKEN_DAYS": 30,
        "API_TOKEN_DAYS": env.int("API_TOKEN_DAYS", 30),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session; forms are not timed
        "MAX_CONTENT_LENGTH": env.int("MAX_CONTENT_LENGTH", 256 * 1024),
        # HTML, CSS, JS and JSON compressed (zstd, brotli or gzip, as the browser accepts): phones on weak
        # networks pay for transferred bytes. 0 leaves it to a reverse proxy that compresses.
        "COMPRESS_RESPONSES": env.bool("COMPRESS_RESPONSES", True),
        # Behind a TLS-terminating proxy set TRUSTED_PROXIES=1 so X-Forwarded-Proto is honoured.
        "TRUSTED_PROXIES": env.int("TRUSTED_PROXIES", 0),
        # Throttling (Flask-Limiter on the same Redis; in-memory fallback while Redis is down).
        "LOGIN_LIMIT_PER_IP": env.str("LOGIN_LIMIT_PER_IP", "20/minute;200/hour"),
        "LOGIN_LIMIT_PER_ACCOUNT": env.str("LOGIN_LIMIT_PER_ACCOUNT", "5/minute;30/hour"),
        "REGISTER_LIMIT_PER_IP": env.str("REGISTER_LIMIT_PER_IP", "10/hour"),
        # Requests for help sent without an account, per IP address; with one, per account (page and API
        # together). Only sent requests count.
        "HELP_REQUEST_LIMIT_PER_IP": env.str("HELP_REQUEST_LIMIT_PER_IP", "5/hour;20/day"),
        "HELP_REQUEST_LIMIT_PER_ACCOUNT": env.str("HELP_REQUEST_LIMIT_PER_ACCOUNT", "5/hour;20/day"),
        # Invitations to a Party branch and to a role: how many one organizer may send of each (only sent ones
        # count), how long any invitation waits for its answer.
        "BRANCH_INVITE_LIMIT_PER_ORGANIZER": env.str("BRANCH_INVITE_LIMIT_PER_ORGANIZER", "30/hour;100/day"),
        "ROLE_INVITE_LIMIT_PER_ORGANIZER": env.str("ROLE_INVITE_LIMIT_PER_ORGANIZER", "10/hour;30/day"),
        "INVITATION_DAYS": env.int("INVITATION_DAYS", 14),
        # Organizers' messages: per sender (page and API together), and per shift, task or team messaged.
        "ORGANIZER_MESSAGE_LIMIT_PER_SENDER": env.str("ORGANIZER_MESSAGE_LIMIT_PER_SENDER", "20/hour;100/day"),
        "ORGANIZER_MESSAGE_LIMIT_PER_TARGET": env.str("ORGANIZER_MESSAGE_LIMIT_PER_TARGET", "6/hour;20/day"),
        # Urgent call-outs (集结令): how long a page's one-tap answer link works, and the default search radius.
        "CALLOUT_LINK_MAX_AGE_S": env.int("CALLOUT_LINK_MAX_AGE_S", 12 * 3600),
        "CALLOUT_RADIUS_KM": env.float("CALLOUT_RADIUS_KM", 5.0),
        # The relief alarm (posts): a shift under way this long with fewer check-ins than places alarms once.
        "RELIEF_ALERT_MINUTES": env.int("RELIEF_ALERT_MINUTES", 10),
        "RATELIMIT_ENABLED": env.bool("RATELIMIT_ENABLED", True),
        # Domain knobs (units in the names).
        "NEARBY_RADIUS_KM": env.float("NEARBY_RADIUS_KM", 5.0),
        "NEARBY_MAX_RADIUS_KM": env.float("NEARBY_MAX_RADIUS_KM", 50.0),
        "NEARBY_PAGE_SIZE": env.int("NEARBY_PAGE_SIZE", 20),
        # Each web process answers the nearby list from tiles it read at most this long ago (0: always read).
        "NEARBY_CACHE_SECONDS": env.float("NEARBY_CACHE_SECONDS", 5.0),
        # Matching: recommendations' radius (a task's own match_radius_km decides whom it notifies), how many
        # volunteers a task notifies (factor × open places, at most the cap) and the local hour of the digest.
        "MATCH_RADIUS_KM": env.float("MATCH_RADIUS_KM", 5.0),
        "MATCH_NOTIFY_FACTOR": env.int("MATCH_NOTIFY_FACTOR", 3),
        "MATCH_MAX_NOTIFY": env.int("MATCH_MAX_NOTIFY", 200),
        "DIGEST_HOUR": env.int("DIGEST_HOUR", 8),
        "SQLITE_BUSY_TIMEOUT_S": env.float("SQLITE_BUSY_TIMEOUT_S", 30.0),
        # Background jobs.
        "WORKER_TTL_S": env.int("WORKER_TTL_S", 30),
        "JOB_TIMEOUT_S": env.int("JOB_TIMEOUT_S", 30),
        # Back-off between the bounded retries of a failed (or abandoned) job, in seconds.
        "JOB_RETRY_INTERVALS_S": tuple(env.list("JOB_RETRY_INTERVALS_S", [10, 60, 300], subcast=int)),
        "WORKER_HEARTBEAT_GRACE_S": env.int("WORKER_HEARTBEAT_GRACE_S", 60),
        "WORKER_MAINTENANCE_S": env.int("WORKER_MAINTENANCE_S", 30),
        "WORKER_LOG_LEVEL": env.str("WORKER_LOG_LEVEL", "INFO"),
        "OUTBOX_REDELIVER_AFTER_S": env.int("OUTBOX_REDELIVER_AFTER_S", 180),
        "OUTBOX_MAX_ATTEMPTS": env.int("OUTBOX_MAX_ATTEMPTS", 5),
        # Geocoding of address-only tasks (geopy's Nominatim; an empty domain turns it off).
        "GEOCODER_DOMAIN": env.str("GEOCODER_DOMAIN", "nominatim.openstreetmap.org"),
        "GEOCODER_SCHEME": env.str("GEOCODER_SCHEME", "https"),
        "GEOCODER_USER_AGENT": env.str("GEOCODER_USER_AGENT", "volunteer-hub/1.0 (city volunteer platform)"),
        "GEOCODER_TIMEOUT_S": env.float("GEOCODER_TIMEOUT_S", 5.0),
        # Reminders and stale-claim hygiene.
        "REMINDER_HOURS_BEFORE": tuple(env.list("REMINDER_HOURS_BEFORE", [12, 1], subcast=int)),
        "ATTENDANCE_CHECK_HOUR": env.int("ATTENDANCE_CHECK_HOUR", 18),  # local hour, the evening before
        "RELEASE_HOURS_BEFORE": env.int("RELEASE_HOURS_BEFORE", 3),
        "UNDERFILLED_ALERT_HOURS": env.int("UNDERFILLED_ALERT_HOURS", 12),
        # Attendance and service hours.
        "CHECKIN_EARLY_MIN": env.int("CHECKIN_EARLY_MIN", 30),  # check-in opens this long before the start
        "CHECKIN_TOKEN_TTL_S": env.int("CHECKIN_TOKEN_TTL_S", 120),  # the organizer's rotating QR code
        "NO_SHOW_AFTER_MIN": env.int("NO_SHOW_AFTER_MIN", 30),  # after the shift ends, unmarked = no-show
        "HOURS_DEADLINE_WORKING_DAYS": env.int("HOURS_DEADLINE_WORKING_DAYS", 10),  # 办法 §11
        "HOURS_REMIND_AT_WORKING_DAYS": tuple(env.list("HOURS_REMIND_AT_WORKING_DAYS", [7, 9], subcast=int)),
        "DEVICE_BURST_CHECKINS": env.int("DEVICE_BURST_CHECKINS", 3),  # this many check-ins from one device...
        "DEVICE_BURST_MINUTES": env.int("DEVICE_BURST_MINUTES", 10),  # ...within this many minutes is flagged
        "FAR_CHECKIN_FACTOR": env.float("FAR_CHECKIN_FACTOR", 0.8),  # flag check-ins beyond 80% of the radius
        "EXPORT_SYNC_MAX_ROWS": env.int("EXPORT_SYNC_MAX_ROWS", 2000),  # larger exports run as a job
        # The public address of links that leave the app (QR codes, PDFs, messages); empty: the host each
        # request came in on, and for jobs (no request) the address `make run` serves, see core.links.
        "PUBLIC_BASE_URL": env.str("PUBLIC_BASE_URL", ""),
        # Certificates: how many lookups of unknown codes one address may make (valid codes are not counted).
        "CERT_LOOKUP_MISS_LIMIT": env.str("CERT_LOOKUP_MISS_LIMIT", "10/minute;50/day"),
        # Channels beyond the in-app inbox (README "Reaching people"). SMS_SENDER: dev (kept and listed at
        # /dev/messages), aliyun or tencent; a multi-process deployment must name one (see require_shared_settings).
        "SMS_SENDER": env.str("SMS_SENDER", ""),
        "SMS_SIGN_NAME": env.str("SMS_SIGN_NAME", ""),
        # Message kind -> the provider's approved template code, e.g. "verification_code:SMS_1,shift_reminder:SMS_2".
        # A value may list the template's variables in order: "shift_reminder:1234567/task/time" (messaging.sms).
        "SMS_TEMPLATES": env.dict("SMS_TEMPLATES", {}, key_value_delimiter=":"),
        "SMS_TIMEOUT_S": env.float("SMS_TIMEOUT_S", 5.0),
        # Per number, checked before the provider is called: notices (every kind but codes) and login codes.
        "SMS_NOTICE_LIMIT_PER_NUMBER": env.str("SMS_NOTICE_LIMIT_PER_NUMBER", "10/day"),
        "SMS_CODE_LIMIT_PER_NUMBER": env.str("SMS_CODE_LIMIT_PER_NUMBER", "1/minute;5/hour;10/day"),
        "SMS_CODE_LIMIT_PER_IP": env.str("SMS_CODE_LIMIT_PER_IP", "10/hour;30/day"),
        # SMS_SENDER=aliyun: an AccessKey allowed to call dysmsapi (SendSms, QuerySendDetails). The endpoint may be a
        # URL with a scheme (tests point it at a stand-in on http://127.0.0.1:PORT).
        "ALIBABA_CLOUD_ACCESS_KEY_ID": env.str("ALIBABA_CLOUD_ACCESS_KEY_ID", ""),
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": env.str("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ""),
        "ALIYUN_SMS_ENDPOINT": env.str("ALIYUN_SMS_ENDPOINT", "dysmsapi.aliyuncs.com"),
        # SMS_SENDER=tencent: a SecretId/SecretKey allowed to call sms (SendSms, PullSmsSendStatus) and the SMS app.
        "TENCENTCLOUD_SECRET_ID": env.str("TENCENTCLOUD_SECRET_ID", ""),
        "TENCENTCLOUD_SECRET_KEY": env.str("TENCENTCLOUD_SECRET_KEY", ""),
        "TENCENT_SMS_SDK_APP_ID": env.str("TENCENT_SMS_SDK_APP_ID", ""),
        "TENCENT_SMS_REGION": env.str("TENCENT_SMS_REGION", "ap-guangzhou"),
        "TENCENT_SMS_ENDPOINT": env.str("TENCENT_SMS_ENDPOINT", "sms.tencentcloudapi.com"),
        # Delivery receipts are polled for messages sent within this many hours; older ones stay "sent".
        "SMS_RECEIPTS_WITHIN_H": env.int("SMS_RECEIPTS_WITHIN_H", 24),
        # EMAIL_SENDER: dev, smtp, or none (no e-mail; the default off a single machine).
        "EMAIL_SENDER": env.str("EMAIL_SENDER", ""),
        # Web Push: the application server's VAPID key pair (base64url, as `vapid --gen` or README shows) and the
        # contact the push services may write to. Empty on a single machine: generated once into instance/ (see
        # vapid_keys); elsewhere empty turns push off. The public key may be left empty: it is derived.
        "VAPID_PRIVATE_KEY": env.str("VAPID_PRIVATE_KEY", ""),
        "VAPID_PUBLIC_KEY": env.str("VAPID_PUBLIC_KEY", ""),
        "VAPID_SUBJECT": env.str("VAPID_SUBJECT", "mailto:ops@volunteer-hub.invalid"),
        "PUSH_TIMEOUT_S": env.float("PUSH_TIMEOUT_S", 5.0),
        # Accept push endpoints on 127.0.0.1/::1/localhost (tests' stand-in push service, a local autopush). Never in
        # production: the server posts to whatever endpoint a browser hands over.
        "PUSH_ALLOW_LOOPBACK": env.bool("PUSH_ALLOW_LOOPBACK", False),
        # The push services' domains accepted in a subscription (e.g. "fcm.googleapis.com,push.services.mozilla.com,
        # notify.windows.com,push.apple.com"); empty: any public host name over https.
        "PUSH_SERVICE_HOSTS": tuple(d.lower().strip(".") for d in cast(list[str], env.list("PUSH_SERVICE_HOSTS", []))),
        # Back-off between the tries of a delivery a provider answered with a retryable failure, in seconds.
        "DELIVERY_RETRY_INTERVALS_S": tuple(env.list("DELIVERY_RETRY_INTERVALS_S", [30, 120, 600, 1800], subcast=int)),
        # A delivery claimed by a worker that died during the provider call is not sent again (it might have gone
        # out); after this long it is marked failed.
        "DELIVERY_STUCK_AFTER_S": env.int("DELIVERY_STUCK_AFTER_S", 600),
        # E-mail over SMTP (EMAIL_SENDER=smtp; docs-notes/email.md): the server, how the connection is secured
        # (starttls, ssl or none), the login (only when SMTP_USERNAME is set) and the sender, e.g.
        # "Volunteer Hub <noreply@example.org>". SMTP_PORT 0: 587 for starttls, 465 for ssl, 25 for none.
        "SMTP_HOST": env.str("SMTP_HOST", ""),
        "SMTP_PORT": env.int("SMTP_PORT", 0),
        "SMTP_SECURITY": env.str("SMTP_SECURITY", "starttls"),
        "SMTP_USERNAME": env.str("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": env.str("SMTP_PASSWORD", ""),
        "MAIL_FROM": env.str("MAIL_FROM", ""),
        "SMTP_TIMEOUT_S": env.float("SMTP_TIMEOUT_S", 10.0),
        # "Send me a test message" on the channels page, per person.
        "CHANNEL_TEST_LIMIT_PER_USER": env.str("CHANNEL_TEST_LIMIT_PER_USER", "3/hour"),
    }
