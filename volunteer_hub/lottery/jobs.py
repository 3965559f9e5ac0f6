"""Lottery jobs: draw shifts whose sign-up window has closed."""

from volunteer_hub.lottery import queries, services
from volunteer_hub.schedule import recurring


@recurring(seconds=60)
def draw_due_lotteries() -> int:
    """Draw every shift whose lottery sign-up has closed; a shift already drawn is left alone."""
    return sum(services.draw(shift_id) for shift_id in queries.due_shift_ids())
