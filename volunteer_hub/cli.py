"""Flask CLI commands: create-admin, seed-demo, dev, worker, scheduler, ops; each domain's command group."""

import click
from flask.cli import with_appcontext

from volunteer_hub.core.errors import DomainError
from volunteer_hub.stats.cli import stats_cli


def init_cli(app) -> None:
    for command in (
        create_admin_command,
        seed_demo_command,
        dev_command,
        worker_command,
        scheduler_command,
        ops_command,
        stats_cli,
    ):
        app.cli.add_command(command)


@click.command("create-admin")
@click.option("--phone", required=True, help="Mainland mobile number, the login.")
@click.option("--password", required=True)
@click.option("--name", required=True)
@with_appcontext
def create_admin_command(phone: str, password: str, name: str) -> None:
    """Create a platform administrator (organizer and reviewer of the whole tree)."""
    from volunteer_hub.accounts.services import create_admin

    try:
        user = create_admin(phone, password, name)
    except DomainError as exc:
        details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items()) or str(exc.message)
        raise click.ClickException(details) from None
    click.echo(f"Administrator {user.name} ({user.phone}) is ready.")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo organisation tree, accounts and tasks into an empty database."""
    import sqlalchemy as sa

    from volunteer_hub import demo
    from volunteer_hub.accounts.models import User
    from volunteer_hub.extensions import db

    if db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one():
        raise click.ClickException("The database already has users; seed-demo only fills an empty database.")
    demo.seed()
    click.echo(f"Demo data loaded. Logins (password {demo.PASSWORD}):")
    for account in demo.ACCOUNTS:
        click.echo(f"  {account.phone}  {account.name}: {account.role}")


@click.command("dev")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, envvar="PORT")
@click.option("--web-workers", default=2, show_default=True)
@with_appcontext
def dev_command(host: str, port: int, web_workers: int) -> None:
    """Migrate, load demo data if empty, and run web + worker (what `make run` does)."""
    from volunteer_hub.devserver import serve

    serve(host, port, web_workers)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Exit when the queues are empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run an RQ worker (with RQ's scheduler for delayed and retried jobs) on this app's Redis."""
    from flask import current_app

    from volunteer_hub.worker import run_worker

    run_worker(current_app._get_current_object(), burst=burst)  # type: ignore[attr-defined]  # a LocalProxy


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Enqueue the recurring jobs (outbox dispatch, reminders, digests...) with RQ's cron scheduler."""
    from flask import current_app

    from volunteer_hub.worker import run_scheduler

    run_scheduler(current_app._get_current_object())  # type: ignore[attr-defined]  # a LocalProxy


@click.command("ops")
@with_appcontext
def ops_command() -> None:
    """Operator view: queue lengths, running and failed jobs (with reasons), outbox backlog."""
    import json

    from flask import current_app
    from rq.registry import FailedJobRegistry

    from volunteer_hub.core import queue
    from volunteer_hub.health import check

    report = check()
    click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    if report["redis"]["ok"]:
        registry = FailedJobRegistry(queue=queue.get_queue())
        for job in registry.get_job_ids()[:20]:
            fetched = queue.get_queue().fetch_job(job)
            result = fetched.latest_result() if fetched else None
            reason = (result.exc_string or "").strip().splitlines()[-1:] if result else []
            click.echo(f"failed {job}: {fetched.func_name if fetched else '?'} {' '.join(reason)}")
    click.echo(f"outbox gives up after {current_app.config['OUTBOX_MAX_ATTEMPTS']} attempts")
