"""A certificate freezes what it states when it is issued; the PDF is stored with it."""

import enum
import secrets
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from volunteer_hub.core.db import utcnow
from volunteer_hub.extensions import Model

# No 0/O, 1/I/L: a code read aloud or typed from paper is not mistaken. 31 symbols ** 12 ≈ 2 ** 59 codes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


class CertificateStatus(enum.StrEnum):
    PENDING = "pending"  # facts frozen, the PDF is being made
    READY = "ready"
    FAILED = "failed"  # the PDF could not be made; ``error`` says why
    REVOKED = "revoked"  # withdrawn by an issuing organisation; ``revoked_reason`` says why


def new_code() -> str:
    """An unguessable verification code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What a person typed ('abcd-efgh jkmn') as stored ('ABCDEFGHJKMN')."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


class Certificate(Model):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)  # the short public verification code
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    period_from: Mapped[date]
    period_to: Mapped[date]
    locale: Mapped[str] = mapped_column(sa.String(5), default="zh")
    total_minutes: Mapped[int] = mapped_column(default=0)
    # What the certificate states, frozen at issue: name, volunteer number, services, issuing organisations.
    content: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")  # pending, ready, failed, revoked
    pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def is_valid(self) -> bool:
        """What a verifier relies on: the PDF was issued and no issuing organisation withdrew it."""
        return self.status == CertificateStatus.READY and self.revoked_at is None

    @property
    def display_code(self) -> str:
        """The code in groups of four, as printed: ABCD-EFGH-JKMN."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    @property
    def issuer_org_ids(self) -> list[int]:
        return [issuer["org_id"] for issuer in self.content.get("issuers", [])]
