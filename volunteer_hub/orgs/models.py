"""Organisations form a tree stored with a materialized path, so subtree checks are one string prefix test."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer_hub.core.db import utcnow
from volunteer_hub.extensions import Model


class OrgKind(enum.StrEnum):
    CITY = "city"
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    COMPOUND = "compound"
    PARTY_COMMITTEE = "party_committee"
    PARTY_BRANCH = "party_branch"


class Role(enum.StrEnum):
    ORGANIZER = "organizer"
    REVIEWER = "reviewer"


class InvitationStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Organisation(Model):
    __tablename__ = "orgs"
    # varchar_pattern_ops lets PostgreSQL use the index for "path LIKE '/1/4/%'" under any collation.
    __table_args__ = (sa.Index("ix_orgs_path", "path", postgresql_ops={"path": "varchar_pattern_ops"}),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str | None] = mapped_column(sa.String(100))  # shown instead of name in English; see orgs.names
    kind: Mapped[str] = mapped_column(sa.String(20))
    temporary: Mapped[bool] = mapped_column(default=False)  # temporary Party branch (临时党支部)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    # "/1/4/17/": the ids from the root down to this organisation, both ends slashed.
    path: Mapped[str] = mapped_column(sa.String(255), default="")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped["Organisation | None"] = relationship(remote_side=[id])

    def contains(self, other: "Organisation") -> bool:
        """True when other is this organisation or lies below it."""
        return other.path.startswith(self.path)

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to and including this organisation."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class RoleGrant(Model):
    """A role held on an organisation, valid for its whole subtree."""

    __tablename__ = "role_grants"
    __table_args__ = (sa.UniqueConstraint("user_id", "org_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    org: Mapped[Organisation] = relationship()
    user = relationship("User", foreign_keys=[user_id])


class BranchMember(Model):
    """A member of a Party branch (temporary branches at a task site or compound included)."""

    __tablename__ = "branch_members"
    __table_args__ = (sa.UniqueConstraint("org_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InvitationKind(enum.StrEnum):
    """What accepting an invitation gives: membership of a Party branch, or a role on the organisation."""

    BRANCH_MEMBER = "branch_member"
    ORGANIZER = Role.ORGANIZER.value
    REVIEWER = Role.REVIEWER.value


class Invitation(Model):
    """An organizer's invitation of a mobile number to a Party branch or to a role on an organisation: only its
    holder, by accepting, becomes a member or gets the role. It names the number, not an account, so an
    invitation to a number nobody registered yet waits for whoever registers with it, and the organizer's side
    never depends on whether the number is known. (The table kept the name it had when it held branch
    invitations only.)"""

    __tablename__ = "branch_invitations"
    __table_args__ = (sa.UniqueConstraint("org_id", "phone", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id", ondelete="CASCADE"))
    phone: Mapped[str] = mapped_column(sa.String(16), index=True)  # E.164, as users.phone
    kind: Mapped[str] = mapped_column(sa.String(20), default=InvitationKind.BRANCH_MEMBER)
    status: Mapped[str] = mapped_column(sa.String(10), default=InvitationStatus.PENDING)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    responded_at: Mapped[datetime | None]

    org: Mapped[Organisation] = relationship()
    invited_by = relationship("User", foreign_keys=[invited_by_id])

    @property
    def role(self) -> Role | None:
        """The role accepting gives; None for an invitation to a Party branch."""
        return None if self.kind == InvitationKind.BRANCH_MEMBER else Role(self.kind)
