"""One row per piece of background work that must happen because something was committed."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from volunteer_hub.core.db import utcnow
from volunteer_hub.extensions import Model


class OutboxEvent(Model):
    __tablename__ = "outbox_events"
    __table_args__ = (sa.Index("ix_outbox_events_open", "done_at", "dispatched_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(sa.String(120))  # dotted path of a function in a volunteer_hub *.jobs module
    payload: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    dispatched_at: Mapped[datetime | None]  # handed to RQ (last time)
    done_at: Mapped[datetime | None]  # the job confirmed it finished
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def rq_job_id(self) -> str:
        return f"outbox-{self.id}"
