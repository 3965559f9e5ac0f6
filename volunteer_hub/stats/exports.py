"""Export files: a dashboard table or the raw ledger rows of a scope and period, as CSV or XLSX.

CSV is UTF-8 with a byte-order mark so Excel opens Chinese correctly. No phone numbers, ever: a reviewer
who needs to call someone uses the roster. Text that a spreadsheet would run as a formula is kept as text.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import cast

import sqlalchemy as sa
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy.orm import aliased

from volunteer_hub.accounts.models import User
from volunteer_hub.catalogue import task_type_name
from volunteer_hub.claims.export import FORMULA_STARTS
from volunteer_hub.core.db import get_row
from volunteer_hub.core.timeutil import to_local
from volunteer_hub.extensions import db
from volunteer_hub.hours.labels import source_label
from volunteer_hub.hours.models import HourEntry
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.orgs.names import org_name
from volunteer_hub.stats import queries
from volunteer_hub.stats.periods import Period

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
KINDS = ("table", "ledger")
PAGE = 1_000  # ledger rows read per query (and progress steps of a job)


@dataclass(frozen=True)
class ExportSpec:
    """What to export: a grouping of the dashboard ("table") or the ledger rows, for a scope and period."""

    org_id: int
    kind: str  # table | ledger
    format: str  # csv | xlsx
    period: Period
    group_by: str | None = None  # for tables: org | volunteer | type | month | day | party | branch | team
    locale: str = "zh"

    def params(self) -> dict:
        return {
            "period": self.period.kind,
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "group_by": self.group_by,
            "locale": self.locale,
        }

    @classmethod
    def of(cls, export) -> "ExportSpec":
        """The spec stored with an Export row."""
        p = export.params
        return cls(
            export.org_id,
            export.kind,
            export.format,
            Period(p["period"], date.fromisoformat(p["start"]), date.fromisoformat(p["end"])),
            p.get("group_by"),
            p.get("locale") or "zh",
        )

    @property
    def filename(self) -> str:
        what = self.group_by if self.kind == "table" else "ledger"
        return f"hours-{self.org_id}-{what}-{self.period.start:%Y%m%d}-{self.period.end:%Y%m%d}.{self.format}"


@dataclass
class Table:
    """A header, the number of rows and the rows themselves (an iterator: ledger rows are read page by page)."""

    title: str
    header: list[str]
    total: int
    rows: Iterable[list]


def table(spec: ExportSpec) -> Table:
    """The rows an export writes; a ledger export counts its rows first and reads them lazily."""
    org = get_row(db.session, Organisation, spec.org_id)
    if spec.kind == "ledger":
        scope = queries.load_scope(org)
        return Table(
            _("Service records"),
            _ledger_header(),
            count_ledger_rows(scope, spec.period),
            _ledger_rows(scope, spec.period, spec.locale),
        )
    group_by = cast(str, spec.group_by)  # every table export names its grouping
    rows = queries.hours_rows(org, spec.period, group_by, locale=spec.locale)
    header, cells = _table_layout(group_by)
    return Table(_("Service hours"), header, len(rows), [cells(row) for row in rows])


def hours_value(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def _table_layout(group_by: str) -> tuple[list[str], Callable]:
    hours, minutes, shifts, volunteers = _("Hours"), _("Minutes"), _("Shifts served"), _("Volunteers")
    numbers = lambda r: [hours_value(r.minutes), r.minutes, r.shifts]  # noqa: E731
    match group_by:
        case "org":
            return (
                [_("Organisation"), hours, minutes, shifts, volunteers],
                lambda r: [
                    _("%(name)s (its own tasks)", name=r.label) if r.own else r.label,
                    *numbers(r),
                    r.volunteers,
                ],
            )
        case "volunteer":
            return (
                [_("Volunteer"), _("Volunteer number"), hours, minutes, shifts],
                lambda r: [r.label, r.number, *numbers(r)],
            )
        case "type":
            return [_("Task type"), hours, minutes, shifts], lambda r: [r.label, *numbers(r)]
        case "month":
            return [_("Month"), hours, minutes, shifts, volunteers], lambda r: [r.label, *numbers(r), r.volunteers]
        case "party":
            return (
                [_("Volunteers"), hours, minutes, shifts, _("Active volunteers")],
                lambda r: [r.label, *numbers(r), r.volunteers],
            )
        case "branch" | "team":
            name = _("Party branch") if group_by == "branch" else _("Team")
            return (
                [name, hours, minutes, shifts, _("Active members"), _("Members")],
                lambda r: [r.label, *numbers(r), r.volunteers, r.members],
            )
    return [_("Date"), hours, minutes, shifts], lambda r: [r.key, *numbers(r)]


def _ledger_header() -> list[str]:
    return [
        _("Record number"),
        _("Service date"),
        _("Activity"),
        _("Place"),
        _("Service content"),
        _("Service hours"),
        _("Minutes"),
        _("Organising unit"),
        _("Person in charge"),
        _("Volunteer"),
        _("Volunteer number"),
        _("Task type"),
        _("Source"),
        _("Corrects record"),
        _("Reason"),
        _("Confirmed by"),
        _("Confirmed at"),
    ]


def count_ledger_rows(scope, period: Period) -> int:
    return db.session.execute(
        sa.select(sa.func.count())
        .select_from(HourEntry)
        .where(HourEntry.org_id.in_(scope.ids), HourEntry.service_date.between(period.start, period.end))
    ).scalar_one()


def _ledger_rows(scope, period: Period, locale: str) -> Iterator[list]:
    """Every entry of the scope and period, organisation by organisation (in tree order), then by date.
    Pages follow the (org_id, service_date) index with a keyset, so a large export never sorts the range."""
    volunteer, confirmer = aliased(User), aliased(User)
    for org in sorted(scope.orgs.values(), key=lambda node: node.path):
        after = (period.start, 0)
        while True:
            page = db.session.execute(
                sa.select(HourEntry, volunteer, confirmer.name)
                .join(volunteer, volunteer.id == HourEntry.volunteer_id)
                .join(confirmer, confirmer.id == HourEntry.confirmed_by_id)
                .where(
                    HourEntry.org_id == org.id,
                    HourEntry.service_date <= period.end,
                    sa.tuple_(HourEntry.service_date, HourEntry.id) > sa.tuple_(*after),
                )
                .order_by(HourEntry.service_date, HourEntry.id)
                .limit(PAGE)
            ).all()
            for entry, person, confirmer_name in page:
                yield [
                    entry.id,
                    entry.service_date,
                    entry.activity_name,
                    entry.place,
                    entry.service_content,
                    hours_value(entry.minutes),
                    entry.minutes,
                    org_name(org, locale),
                    entry.leader_name,
                    person.name,
                    person.volunteer_no,
                    task_type_name(entry.task_type, locale),
                    source_label(entry.source),
                    entry.corrects_id,
                    entry.reason or "",
                    confirmer_name,
                    to_local(entry.confirmed_at).replace(tzinfo=None, microsecond=0),
                ]
            if len(page) < PAGE:
                break
            after = (page[-1][0].service_date, page[-1][0].id)


def write(spec_format: str, data: Table, progress: Callable[[int], None] | None = None) -> bytes:
    """The file's bytes; progress(rows written) is called every PAGE rows."""
    writer = _write_xlsx if spec_format == "xlsx" else _write_csv
    return writer(data, _counting(data.rows, progress))


def _counting(rows: Iterable[list], progress) -> Iterator[list]:
    for count, row in enumerate(rows, 1):
        yield row
        if progress and count % PAGE == 0:
            progress(count)


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date | Decimal | int):
        return str(value)
    return _text(str(value))


def _write_csv(data: Table, rows: Iterator[list]) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(data.header)
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return out.getvalue().encode("utf-8")


def _write_xlsx(data: Table, rows: Iterator[list]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(data.title[:31])
    sheet.append(data.header)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet, value):
    if isinstance(value, str):
        # XLSX cannot hold most control characters (openpyxl refuses them); rows stored before the forms
        # refused them still export, with U+FFFD where each one was.
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    elif isinstance(value, Decimal):
        cell.number_format = "0.00"
    elif isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    return cell
