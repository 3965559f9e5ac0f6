"""`flask stats verify-tallies [--rebuild]`: compare the tallies with a fresh sum over the ledger, or rebuild."""

import click
from flask.cli import with_appcontext

from volunteer_hub.stats import tallies


@click.command("verify-tallies")
@click.option("--rebuild", is_flag=True, help="Recompute every tally from the ledger first.")
@with_appcontext
def verify_tallies_command(rebuild: bool) -> None:
    """Check that the tallies equal a fresh sum over the ledger (exit status 1 if not); --rebuild fixes them."""
    if rebuild:
        click.echo(f"Tallies rebuilt from the ledger up to entry {tallies.rebuild_tallies()}.")
    check = tallies.verify_tallies()
    for example in check.examples:
        click.echo(f"  {example}")
    if not check.ok:
        raise click.ClickException(f"{check.differences} tally rows differ from the ledger (up to entry "
                                   f"{check.cursor}). Run with --rebuild to recompute them.")
    click.echo(f"Tallies equal the ledger up to entry {check.cursor}.")
