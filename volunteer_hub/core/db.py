"""Declarative base, column types and engine settings shared by every model."""

import json
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, TypeVar, cast

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session

from volunteer_hub.core.errors import NotFound

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

# A session, or Flask-SQLAlchemy's db.session (a scoped session standing for the request's or job's session).
AnySession: TypeAlias = Session | scoped_session[Any]
_T = TypeVar("_T")
_M = TypeVar("_M")

# A stable naming convention lets Alembic's batch mode rebuild SQLite tables and name constraints.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend.

    PostgreSQL keeps ``timestamptz``; SQLite stores naive UTC text, which still sorts and compares correctly.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    if TYPE_CHECKING:
        # Every model maps one Table (SQLAlchemy types it as any FromClause): Core statements use Model.__table__.
        __table__: ClassVar[sa.Table]

    registry = sa.orm.registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION), type_annotation_map={datetime: UTCDateTime}
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


def get_row(session: AnySession, model: type[_M], ident: object, *, populate_existing: bool = False) -> _M:
    """session.get for a row the caller knows is there (its id comes from a row of the same unit of work, or is
    a job's argument for a row that is never deleted): NotFound if it is gone after all, not an AttributeError
    further on."""
    row = session.get(model, ident, populate_existing=populate_existing)
    if row is None:
        raise NotFound()
    return row


def updated_rows(result: sa.Result[Any]) -> int:
    """How many rows an UPDATE or DELETE run by Session.execute matched. The session types its result as a
    Result; for these statements it is a CursorResult, which has the count."""
    return cast(sa.CursorResult[Any], result).rowcount


def engine_options(uri: str, busy_timeout_s: float) -> dict[str, Any]:
    """Engine keyword arguments per backend."""
    if uri.startswith("sqlite"):
        # pysqlite's default transaction handling begins a transaction only before the first write, so a
        # write transaction takes SQLite's lock up front and waits on the busy timeout instead of failing
        # with "database is locked" when upgrading a read snapshot.
        return {"connect_args": {"timeout": busy_timeout_s, "check_same_thread": False}}
    # No pre-ping: it costs every request a round trip. After a database restart the first query on a dead
    # connection fails, SQLAlchemy then invalidates the whole pool, and later requests reconnect.
    return {"pool_pre_ping": False, "pool_recycle": 1800, "pool_size": 5, "max_overflow": 10}


def configure_sqlite(engine: sa.Engine) -> None:
    """WAL lets readers run beside the single writer; foreign keys are off by default in SQLite."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def configure_postgresql(engine: sa.Engine) -> None:
    """No JIT compilation: this workload's statements run in milliseconds, and the planner's estimates for
    the statistics' sums (recursive organisation walks, signed unions) are high enough to trigger it, which
    added about 230 ms of compiling to a tally statement that runs in 80 (bench/hours_bench.py)."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()


def is_sqlite(session: AnySession) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def start_read(read: Callable[..., _T], *args: Any) -> Future[_T]:
    """Start read(*args), a function that only reads, on a thread with an application context of its own, and
    so its own session and connection; the caller goes on with its other statements and collects the value (or
    the exception) with .result(). For a page's slowest statement: its database time then overlaps the page's
    other statements and its Python, instead of adding to them. The read sees what is committed, not the
    caller's pending changes; under READ COMMITTED each statement takes its own snapshot anyway."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy, typed by Flask as the app

    def run() -> _T:
        with app.app_context():
            return read(*args)

    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="read")
    try:
        return executor.submit(run)
    finally:
        executor.shutdown(wait=False)  # the thread ends with its read


def insert_ignoring_duplicates(
    session: AnySession, model: Any, rows: list[dict[str, Any]]
) -> "postgresql.Insert | sqlite.Insert":
    """A multi-row INSERT ... ON CONFLICT DO NOTHING for the session's backend (add .returning(...) to learn
    which rows went in). Jobs that run at least once use it with a unique constraint as their memory."""
    from sqlalchemy.dialects import postgresql, sqlite

    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    return insert(model).values(rows).on_conflict_do_nothing()


def insert_rows(
    session: AnySession, table: sa.Table, rows: list[dict[str, Any]], *returning: Any, skip_duplicates: bool = False
) -> Sequence[sa.Row[Any]]:
    """INSERT any number of ``rows`` (dicts with the same keys) into the Core ``table`` (``Model.__table__``: the
    ORM's bulk path adds work per row); returns the ``returning`` columns of the rows that went in. With
    ``skip_duplicates`` a row that breaks a unique constraint is left out (ON CONFLICT DO NOTHING). For bulk
    producers (a notification to 10,000 people): insert_ignoring_duplicates' single statement holding every row
    is compiled anew each time and passes psycopg's limit of 65,535 parameters.

    On PostgreSQL the rows go in as one array per column, unnested (rows_table): one statement whose text does
    not depend on the number of rows, compiled once and short enough for psycopg's query cache (a multi-row
    VALUES list is parsed again by psycopg on every execution). On SQLite they are executed as a list
    (SQLAlchemy's "insertmanyvalues": pages of multi-row statements compiled once)."""
    if not rows:
        return []
    from sqlalchemy.dialects import postgresql, sqlite

    if is_sqlite(session):
        insert = sqlite.insert(table)
        insert = insert.on_conflict_do_nothing() if skip_duplicates else insert
        result = session.execute(insert.returning(*returning) if returning else insert, rows)
        return result.all() if returning else []
    names = list(rows[0])
    json_columns = {name for name in names if isinstance(table.c[name].type, sa.JSON)}  # json[] arrays: as text
    source = rows_table(
        session,
        "new_rows",
        {name: sa.Text() if name in json_columns else table.c[name].type for name in names},
        [tuple(json.dumps(row[n]) if n in json_columns else row[n] for n in names) for row in rows],
    )
    select = sa.select(*(sa.cast(source.c[n], table.c[n].type) if n in json_columns else source.c[n] for n in names))
    pg_insert = postgresql.insert(table).from_select(names, select)
    pg_insert = pg_insert.on_conflict_do_nothing() if skip_duplicates else pg_insert
    result = session.execute(pg_insert.returning(*returning) if returning else pg_insert)
    return result.all() if returning else []


def rows_table(
    session: AnySession,
    name: str,
    columns: Mapping[str, sa.types.TypeEngine[Any] | type[sa.types.TypeEngine[Any]]],
    rows: list[tuple[Any, ...]],
) -> sa.FromClause:
    """A small constant table for a statement's FROM: the rows go in as one parameter per column (PostgreSQL
    arrays, unnested) or as one JSON text (SQLite's json_each), so the statement's text does not depend on the
    number of rows. It is then compiled once, and PostgreSQL can keep its plan, however the rows vary."""
    if is_sqlite(session):
        data = json.dumps([list(row) for row in rows], default=str)
        each = sa.func.json_each(sa.bindparam(name, data, unique=True)).table_valued("value")
        return sa.select(
            *(
                sa.type_coerce(sa.func.json_extract(each.c.value, f"$[{i}]"), type_).label(column)
                for i, (column, type_) in enumerate(columns.items())
            )
        ).subquery(name)
    from sqlalchemy.dialects.postgresql import ARRAY

    arrays = [
        sa.bindparam(f"{name}_{column}", [row[i] for row in rows], type_=ARRAY(type_), unique=True)
        for i, (column, type_) in enumerate(columns.items())
    ]
    return (
        sa.func.unnest(*arrays)
        .table_valued(*(sa.column(column, type_) for column, type_ in columns.items()))
        .render_derived(name)
    )
