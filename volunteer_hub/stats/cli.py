"""`flask stats verify-tallies [--rebuild]`: compare the tallies with a fresh sum over the ledger, or rebuild;
`flask stats refresh-shift-tallies [--all] [--verify]`: recount the shift figures now."""

import click
from flask.cli import AppGroup

from volunteer_hub.stats import shift_tallies, tallies

stats_cli = AppGroup("stats")  # registered by volunteer_hub.cli


@stats_cli.command("verify-tallies")
@click.option("--rebuild", is_flag=True, help="Recompute every tally from the ledger first.")
def verify_tallies_command(rebuild: bool) -> None:
    """Check that the tallies equal a fresh sum over the ledger (exit status 1 if not); --rebuild fixes them."""
    if rebuild:
        click.echo(f"Tallies rebuilt from the ledger up to entry {tallies.rebuild_tallies()}.")
    check = tallies.verify_tallies()
    for example in check.examples:
        click.echo(f"  {example}")
    if not check.ok:
        raise click.ClickException(
            f"{check.differences} tally rows differ from the ledger (up to entry "
            f"{check.cursor}). Run with --rebuild to recompute them."
        )
    click.echo(f"Tallies equal the ledger up to entry {check.cursor}.")


@stats_cli.command("refresh-shift-tallies")
@click.option("--all", "everything", is_flag=True, help="Every day, not only the days around today.")
@click.option("--verify", is_flag=True, help="Afterwards compare every stored day with a fresh count.")
def refresh_shift_tallies_command(everything: bool, verify: bool) -> None:
    """Recount shifts offered and filled, attendance and overdue records (exit status 1 if --verify differs)."""
    shift_tallies.refresh_all() if everything else shift_tallies.refresh_window()
    click.echo("Shift figures recounted.")
    if verify:
        problems = shift_tallies.differences()
        for problem in problems[:20]:
            click.echo(f"  {problem}")
        if problems:
            raise click.ClickException(f"{len(problems)} stored days differ from a fresh count.")
        click.echo("Stored shift figures equal a fresh count.")
