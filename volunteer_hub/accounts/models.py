"""Users, their skills, and the login sessions / API tokens that authenticate them."""

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer_hub.accounts import quiet_hours
from volunteer_hub.catalogue import AVAILABILITY_CODES
from volunteer_hub.core.db import utcnow
from volunteer_hub.extensions import Model


class User(Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("max_weekly_hours BETWEEN 1 AND 168", name="max_weekly_hours_range"),
        # Matching narrows volunteers by area first.
        sa.Index("ix_users_geo", "lat", "lon"),
        # Statistics split hours by Party members: read the members alone, not every user.
        sa.Index(
            "ix_users_party_members",
            "id",
            sqlite_where=sa.text("party_member"),
            postgresql_where=sa.text("party_member"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(sa.String(16), unique=True)  # E.164, e.g. +8613812345678
    name: Mapped[str] = mapped_column(sa.String(50))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    party_member: Mapped[bool] = mapped_column(default=False)
    max_weekly_hours: Mapped[int] = mapped_column(default=20)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    home_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orgs.id"))
    avail_weekday_day: Mapped[bool] = mapped_column(default=True)
    avail_weekday_night: Mapped[bool] = mapped_column(default=False)
    avail_weekend_day: Mapped[bool] = mapped_column(default=True)
    avail_weekend_night: Mapped[bool] = mapped_column(default=False)
    # Match notifications: at most this many a day, none in quiet hours (minutes after local midnight; both
    # None means no quiet hours) unless the task is urgent; the rest wait for the daily digest.
    notify_max_per_day: Mapped[int] = mapped_column(default=3)
    quiet_start_min: Mapped[int | None] = mapped_column(default=22 * 60)
    quiet_end_min: Mapped[int | None] = mapped_column(default=7 * 60)
    match_opt_out: Mapped[bool] = mapped_column(default=False)
    birth_date: Mapped[date | None]  # night shifts are for adults only
    show_party_badge: Mapped[bool] = mapped_column(default=False)  # 亮身份: opt-in badge on rosters and teams
    # Accident insurance for risky posts (《志愿服务条例》 §17).
    insurance_provider: Mapped[str | None] = mapped_column(sa.String(100))
    insurance_valid_until: Mapped[date | None]
    # Bumped by every claim transaction: the row lock serializes one volunteer's claims (see claims.services).
    claim_lock: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Reaching people outside the app. A number is verified by a code sent to it (accounts created before codes
    # existed are asked at their next login); sms/push/email are the channels chosen beside the in-app inbox.
    phone_verified_at: Mapped[datetime | None]
    sms_enabled: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    push_enabled: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    email: Mapped[str | None] = mapped_column(sa.String(254))
    urgent_in_quiet_hours: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    skill_rows: Mapped[list["UserSkill"]] = relationship(cascade="all, delete-orphan", order_by="UserSkill.code")
    home_org = relationship("Organisation", foreign_keys=[home_org_id])

    # Flask-Login: the login token of the current request, set by the user loader (see accounts.auth).
    if TYPE_CHECKING:  # not a column: a plain attribute, which a declarative annotation cannot be
        login_token: str | None
    else:
        login_token = None

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.login_token

    @property
    def skills(self) -> list[str]:
        return [row.code for row in self.skill_rows]

    @skills.setter
    def skills(self, codes) -> None:
        wanted = set(codes)
        self.skill_rows = [row for row in self.skill_rows if row.code in wanted] + [
            UserSkill(code=code) for code in sorted(wanted - set(self.skills))
        ]

    @property
    def availability(self) -> list[str]:
        return [code for code in AVAILABILITY_CODES if getattr(self, f"avail_{code}")]

    @availability.setter
    def availability(self, codes) -> None:
        for code in AVAILABILITY_CODES:
            setattr(self, f"avail_{code}", code in codes)

    @property
    def quiet_hours(self) -> str | None:
        """'22:00-07:00', or None when match notifications may come at any hour."""
        return quiet_hours.display(self.quiet_start_min, self.quiet_end_min)

    @property
    def has_location(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def masked_phone(self) -> str:
        """138****1234: what people without a need to call the volunteer see."""
        national = self.phone.removeprefix("+86")
        return f"{national[:3]}****{national[-4:]}"

    @property
    def volunteer_no(self) -> str:
        """The platform volunteer number, used publicly instead of any ID document number."""
        return f"VH{self.id:08d}"


class UserSkill(Model):
    __tablename__ = "user_skills"
    # Matching reads "holders of this skill" as an index-only scan.
    __table_args__ = (sa.Index("ix_user_skills_code_user", "code", "user_id"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)


class Qualification(Model):
    """A training or professional qualification a volunteer holds (条例 §16), e.g. psychological support."""

    __tablename__ = "qualifications"
    __table_args__ = (sa.UniqueConstraint("user_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(32))  # see catalogue.QUALIFICATIONS
    issuer: Mapped[str] = mapped_column(sa.String(100), default="")
    valid_until: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VerificationCode(Model):
    """The live one-time code for a number and a purpose (register, reset, login, change_phone): 6 digits, stored
    hashed, a few minutes and a few tries. A new request replaces the previous code."""

    __tablename__ = "verification_codes"
    __table_args__ = (sa.UniqueConstraint("phone", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(sa.String(16))
    purpose: Mapped[str] = mapped_column(sa.String(16))
    code_hash: Mapped[str] = mapped_column(sa.String(128))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class AuthToken(Model):
    """A web login session or an API bearer token. Only a SHA-256 of the secret is stored.

    Logging out deletes the session's row; changing the password deletes all of the user's rows, so stolen
    cookies and tokens stop working at once.
    """

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # "session" | "api"
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    user: Mapped[User] = relationship()
