"""Use cases of the statistics pages: exports, answered at once when small and built by a job when large."""

import enum
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from volunteer_hub import outbox
from volunteer_hub.core.errors import Conflict, NotFound
from volunteer_hub.core.timeutil import now
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.notifications.services import notify
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.stats import exports
from volunteer_hub.stats.models import Export

MAX_UNFINISHED_EXPORTS = 3  # per person: a reviewer waits for one before asking for many more
MAX_EXPORT_ROWS = 500_000  # an XLSX sheet holds 1,048,576 rows; beyond this, choose a shorter period
EXPORT_TIMEOUT_S = 900


# An export still unfinished this long after it was asked for lost its job for good (every retry included).
EXPORT_GIVE_UP = timedelta(hours=1)


class ExportStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"


def export_state(record: Export) -> str:
    """What the person sees: the stored status, or failed for an export whose job was lost."""
    unfinished = record.status in (ExportStatus.PENDING, ExportStatus.RUNNING)
    return ExportStatus.FAILED if unfinished and record.created_at < now() - EXPORT_GIVE_UP else record.status


def export(user, org: Organisation, spec: exports.ExportSpec) -> tuple[str, bytes] | Export:
    """(filename, file) at once when the export has at most EXPORT_SYNC_MAX_ROWS rows; otherwise an Export
    whose job builds the file (organizers and reviewers of the organisation's subtree)."""
    permissions.require_review(user, org)
    data = exports.table(spec)
    if data.total > MAX_EXPORT_ROWS:
        raise Conflict(
            _l(
                "That is %(rows)s rows, more than one file can hold (%(max)s). Choose a shorter period "
                "or a smaller organisation.",
                rows=f"{data.total:,}",
                max=f"{MAX_EXPORT_ROWS:,}",
            ),
            code="export_too_large",
        )
    if data.total <= current_app.config["EXPORT_SYNC_MAX_ROWS"]:
        return spec.filename, exports.write(spec.format, data)
    return atomic(_record_export, user, spec, data.total)


def _record_export(user, spec: exports.ExportSpec, total: int) -> Export:
    unfinished = db.session.execute(
        sa.select(sa.func.count())
        .select_from(Export)
        .where(
            Export.user_id == user.id,
            Export.status.in_((ExportStatus.PENDING, ExportStatus.RUNNING)),
            Export.created_at >= now() - EXPORT_GIVE_UP,
        )
    ).scalar_one()
    if unfinished >= MAX_UNFINISHED_EXPORTS:
        raise Conflict(
            _l("%(num)d of your exports are still being made. Wait for them to finish first.", num=unfinished),
            code="too_many_exports",
        )
    record = Export(
        user_id=user.id,
        org_id=spec.org_id,
        kind=spec.kind,
        format=spec.format,
        params=spec.params(),
        status=ExportStatus.PENDING,
        total=total,
        filename=spec.filename,
    )
    db.session.add(record)
    db.session.flush()
    outbox.record("volunteer_hub.stats.jobs.start_export", export_id=record.id)
    return record


def build_export(export_id: int) -> None:
    """Write an export's file with its progress, unless it is gone or already done (a retry starts over)."""
    record = db.session.get(Export, export_id)
    if record is None or record.status == ExportStatus.READY:
        return
    spec = exports.ExportSpec.of(record)
    _set(export_id, status=ExportStatus.RUNNING, progress=0, error=None)
    try:
        with force_locale(spec.locale):
            data = exports.table(spec)
            _set(export_id, total=data.total)
            content = exports.write(spec.format, data, lambda rows: _set(export_id, progress=rows))
    except Exception as exc:
        db.session.rollback()
        _set(export_id, status=ExportStatus.FAILED, error=repr(exc)[:500])
        raise  # RQ retries it with back-off and keeps the traceback
    atomic(_finish_export, export_id, data.total, content)


def _finish_export(export_id: int, total: int, content: bytes) -> None:
    """Store the file and tell whoever asked for it (once, however often a retry gets here)."""
    db.session.execute(
        sa.update(Export)
        .where(Export.id == export_id)
        .values(status=ExportStatus.READY, progress=total, content=content, finished_at=now())
    )
    record = db.session.execute(sa.select(Export.user_id, Export.filename).where(Export.id == export_id)).one()
    notify(
        record.user_id,
        "export_ready",
        dedupe_key=f"export:{export_id}:ready",
        file=record.filename,
        rows=total,
        export_id=export_id,
    )


def _set(export_id: int, **values) -> None:
    """Save progress at once (its own commit) so the status page can show it while the job runs."""
    db.session.execute(sa.update(Export).where(Export.id == export_id).values(**values))
    db.session.commit()


def get_own_export(user, export_id: int) -> Export:
    """An export the user asked for; anyone else's looks exactly like a missing one."""
    record = db.session.get(Export, export_id)
    if record is None or record.user_id != user.id:
        raise NotFound(_l("No such export."))
    return record


def list_exports(user, limit: int = 20) -> list[Export]:
    """The user's latest exports, newest first (without their files)."""
    return list(
        db.session.execute(
            sa.select(Export)
            .options(sa.orm.defer(Export.content))
            .where(Export.user_id == user.id)
            .order_by(Export.created_at.desc(), Export.id.desc())
            .limit(limit)
        ).scalars()
    )
