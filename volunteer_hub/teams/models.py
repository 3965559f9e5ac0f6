"""Teams and their members (the series a team adopts and its members' swaps are in rotas.models)."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer_hub.core.db import utcnow
from volunteer_hub.extensions import Model


class MemberRole(enum.StrEnum):
    LEADER = "leader"
    DEPUTY = "deputy"
    MEMBER = "member"


class MemberStatus(enum.StrEnum):
    ACTIVE = "active"
    REQUESTED = "requested"  # asked to join; a leader approves
    REMOVED = "removed"
    LEFT = "left"


class Team(Model):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    description: Mapped[str] = mapped_column(sa.String(200), default="")
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)  # a community or Party branch
    founder_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    invite_code: Mapped[str] = mapped_column(sa.String(24), unique=True)  # in the invite link and QR code
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    org = relationship("Organisation")
    members: Mapped[list["TeamMember"]] = relationship(back_populates="team", cascade="all, delete-orphan")


class TeamMember(Model):
    __tablename__ = "team_members"
    __table_args__ = (sa.UniqueConstraint("team_id", "user_id"), sa.Index("ix_team_members_user", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(sa.String(10), default=MemberRole.MEMBER)
    status: Mapped[str] = mapped_column(sa.String(10), default=MemberStatus.ACTIVE)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[Team] = relationship(back_populates="members")
    user = relationship("User", foreign_keys=[user_id])
