"""Who may adopt a series, and what a swap offer needs. Each check raises a typed error with a message."""

from datetime import date

from flask_babel import lazy_gettext as _l

from volunteer_hub.claims.models import Claim, ClaimStatus
from volunteer_hub.core.errors import Conflict, NotAllowed, ValidationError
from volunteer_hub.orgs.names import org_name
from volunteer_hub.rotas.models import ShiftSwap, SwapStatus
from volunteer_hub.tasks.models import Task, TaskStatus
from volunteer_hub.teams.models import Team


def check_series_task(task: Task) -> None:
    """A series is added to an open task only."""
    if task.status == TaskStatus.CANCELLED:
        raise Conflict(_l("This task was cancelled and can no longer be edited."), code="task_cancelled")


def check_adoptable(team: Team, task: Task) -> None:
    """A team adopts series of open tasks of its own organisation, above it or below it."""
    if task.status == TaskStatus.CANCELLED:
        raise Conflict(_l("This task was cancelled."), code="task_cancelled")
    if not (team.org.contains(task.org) or task.org.contains(team.org)):
        raise NotAllowed(
            _l(
                "Your team can adopt series of %(org)s and the organisations above or below it only.",
                org=org_name(team.org),
            )
        )


def check_range(from_date, to_date, within_from: date, within_to: date) -> None:
    """A date range inside [within_from, within_to]: per-field errors otherwise."""
    errors = {}
    if not isinstance(from_date, date):
        errors["from_date"] = _l("Enter the first date.")
    elif not within_from <= from_date <= within_to:
        errors["from_date"] = _l(
            "Choose a date from %(first)s to %(last)s.", first=within_from.isoformat(), last=within_to.isoformat()
        )
    if not isinstance(to_date, date):
        errors["to_date"] = _l("Enter the last date.")
    elif not within_from <= to_date <= within_to:
        errors["to_date"] = _l(
            "Choose a date from %(first)s to %(last)s.", first=within_from.isoformat(), last=within_to.isoformat()
        )
    elif isinstance(from_date, date) and to_date < from_date:
        errors["to_date"] = _l("The last date must not be before the first.")
    if errors:
        raise ValidationError(fields=errors)


def check_swappable(claim: Claim) -> None:
    """Only a confirmed team place on a shift that has not started can be offered."""
    if claim.team_id is None:
        raise Conflict(_l("Only shifts taken with a team can be swapped within the team."), code="not_team_shift")
    if claim.status != ClaimStatus.CONFIRMED:
        raise Conflict(_l("Only confirmed places can be offered."), code="claim_not_confirmed")
    if claim.shift.has_started:
        raise Conflict(_l("This shift has already started."), code="shift_started")


def check_swap_open(swap: ShiftSwap) -> None:
    """Only an open offer can be accepted or withdrawn."""
    if swap.status != SwapStatus.OPEN:
        raise Conflict(_l("This offer is no longer open."), code="swap_closed")
