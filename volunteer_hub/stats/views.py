"""Reviewer pages: the dashboard of an organisation's subtree, exports and their status pages."""

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from volunteer_hub.callouts import queries as callout_queries
from volunteer_hub.core.errors import Conflict
from volunteer_hub.core.timeutil import now, to_local
from volunteer_hub.orgs import permissions
from volunteer_hub.orgs.access import staff_required
from volunteer_hub.orgs.services import get_org
from volunteer_hub.stats import display, queries, services
from volunteer_hub.stats.exports import FORMATS, ExportSpec
from volunteer_hub.stats.forms import ExportForm, PeriodForm
from volunteer_hub.stats.models import Export
from volunteer_hub.stats.services import ExportStatus

bp = Blueprint("stats", __name__)
for _filter in (display.number, display.percent, display.period_label, display.bar):
    bp.add_app_template_filter(_filter, f"stats_{_filter.__name__}")
REFRESH_S = 5


def _reviewed(org_id: int):
    org = get_org(org_id)
    permissions.require_review(current_user, org)
    return org


def _today():
    return to_local(now()).date()


@bp.context_processor
def _links() -> dict:
    """Pages of the hours package that statistics point to (overdue records, anomalies), when they exist."""
    views = current_app.view_functions
    return {
        "links": {
            name: url_for(endpoint)
            for name, endpoint in (("overdue", "hours.organizer_hours"), ("anomalies", "hours.anomalies"))
            if endpoint in views
        }
    }


def _dashboard_page(org):
    form, today = PeriodForm(request.args), _today()
    period = form.to_period(today)
    if period is None:
        return render_template("stats/dashboard.html", org=org, form=form, board=None, today=today), 400
    board = queries.dashboard(current_user, org, period)
    return render_template(
        "stats/dashboard.html",
        org=org,
        form=form,
        board=board,
        today=today,
        query=form.query(period),
        trend=display.sparkline([minutes for _day, minutes in board.trend]),
        chart=display.trend_chart(board.trend, board.period.trend_unit == "month"),
        export_form=ExportForm(formdata=None, data=form.query(period)),
        callouts=callout_queries.community_stats(org),
    )


@bp.get("/review")
@staff_required
def index():
    """My dashboard: the organisation I review, or a choice when I review several."""
    scopes = queries.review_scopes(current_user)
    if len(scopes) == 1:
        return _dashboard_page(scopes[0])
    return render_template("stats/index.html", scopes=scopes)


@bp.get("/review/<int:org_id>")
@staff_required
def dashboard(org_id: int):
    """Hours, volunteers, shifts and no-shows of an organisation's subtree in a period, drilling down."""
    return _dashboard_page(_reviewed(org_id))


@bp.post("/review/<int:org_id>/exports")
@staff_required
def export(org_id: int):
    """A table of the dashboard or the ledger rows as CSV/XLSX: at once when small, else by a job."""
    org = _reviewed(org_id)
    form = ExportForm(request.form)
    period = form.to_period(_today())
    if period is None:
        flash(" ".join(str(message) for messages in form.errors.values() for message in messages), "error")
        return redirect(url_for("stats.dashboard", org_id=org.id))
    spec = ExportSpec(org.id, form.kind, form.format.data, period, form.group_by, str(get_locale() or "zh"))
    try:
        result = services.export(current_user, org, spec)
    except Conflict as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("stats.dashboard", org_id=org.id, **form.query(period)))
    if isinstance(result, Export):
        return redirect(url_for("stats.export_status", export_id=result.id), 303)
    filename, content = result
    return Response(
        content, mimetype=FORMATS[spec.format], headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.get("/review/exports")
@staff_required
def exports():
    """My recent exports and their state."""
    return render_template(
        "stats/exports.html", exports=services.list_exports(current_user), state=services.export_state
    )


@bp.get("/review/exports/<int:export_id>")
@staff_required
def export_status(export_id: int):
    """One export: progress while it is made (the page refreshes itself), then the download link."""
    record = services.get_own_export(current_user, export_id)
    org = _reviewed(record.org_id)
    state = services.export_state(record)
    response = Response(
        render_template(
            "stats/export.html",
            export=record,
            state=state,
            org=org,
            wechat="MicroMessenger" in request.headers.get("User-Agent", ""),
        )
    )
    if state in (ExportStatus.PENDING, ExportStatus.RUNNING):
        response.headers["Refresh"] = str(REFRESH_S)
    return response


@bp.get("/review/exports/<int:export_id>/download")
@staff_required
def download(export_id: int):
    """The finished file, for the person who asked for it only."""
    record = services.get_own_export(current_user, export_id)
    _reviewed(record.org_id)
    if record.status != ExportStatus.READY:
        return redirect(url_for("stats.export_status", export_id=record.id))
    return Response(
        record.content,
        mimetype=FORMATS[record.format],
        headers={"Content-Disposition": f'attachment; filename="{record.filename}"'},
    )
