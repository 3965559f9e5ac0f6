"""`make run`: one command that prepares the embedded defaults and runs web + worker until Ctrl-C."""

import os
import signal
import subprocess
import sys
import time

import click
import sqlalchemy as sa
from flask import current_app
from flask_migrate import upgrade

from volunteer_hub import demo
from volunteer_hub.accounts.models import User
from volunteer_hub.extensions import db
from volunteer_hub.messaging.views import dev_senders_only

WEB_THREADS = 8  # per web worker


def serve(host: str, port: int, web_workers: int) -> None:
    """Migrate, seed demo data into an empty database, then run gunicorn, an RQ worker and the scheduler."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy, typed by Flask as the app
    upgrade()
    if db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one() == 0:
        click.echo("Empty database: loading demo data ...")
        demo.seed()
    # The children share this process's Redis (embedded unless REDIS_URL was given) and database.
    # Job logs at WARNING unless asked for: at INFO the outbox's five-second beat scrolls the banner away.
    env = {
        "WORKER_LOG_LEVEL": "WARNING",
        **os.environ,
        "REDIS_URL": app.config["REDIS_URL"],
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
    }
    # Links made by jobs (a certificate's QR code) point at this server; web pages take the host each request
    # came in on, so the web processes are not told (a phone on the LAN gets links it can open).
    jobs_env = {**env, "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL") or f"http://{_local(host)}:{port}"}
    bin_dir = os.path.dirname(sys.executable)
    children = [
        # Threads, not sync workers: a phone that opens a connection and sends nothing (a browser's
        # preconnect, a weak network) holds one sync worker until its 30 s timeout and froze `make run`;
        # gthread gives such a connection a thread for at most 5 s, then waits for it without one.
        subprocess.Popen(
            [
                os.path.join(bin_dir, "gunicorn"),
                "--workers",
                str(web_workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(WEB_THREADS),
                "--bind",
                f"{host}:{port}",
                "--access-logfile",
                "-",
                "wsgi:app",
            ],
            env=env,
        ),
        subprocess.Popen([os.path.join(bin_dir, "flask"), "--app", "wsgi", "worker"], env=jobs_env),
        subprocess.Popen([os.path.join(bin_dir, "flask"), "--app", "wsgi", "scheduler"], env=jobs_env),
    ]
    _print_banner(host, port, dev_messages=dev_senders_only(app.config))
    # A closed terminal (SIGHUP) or a process manager's SIGTERM stops the children too, as Ctrl-C does: left
    # running they would hold the port and the next `make run` would fail.
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, _exit)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        click.echo("A child process stopped; shutting down.", err=True)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        click.echo("Stopped web, worker, scheduler and the embedded Redis.")


def _local(host: str) -> str:
    """An address for links to a server listening on ``host`` (all interfaces: this machine's loopback)."""
    return "127.0.0.1" if host in ("", "0.0.0.0", "::") else host


def _exit(_signum, _frame) -> None:
    sys.exit(0)  # unwinds through serve's clean-up, then atexit stops the embedded Redis


def _print_banner(host: str, port: int, *, dev_messages: bool) -> None:
    click.echo("")
    click.echo(f"Volunteer Hub is running at http://{host}:{port}/  (Ctrl-C stops everything)")
    click.echo("Demo logins (phone / password):")
    for account in demo.ACCOUNTS:
        click.echo(f"  {account.phone}  /  {demo.PASSWORD}   {account.name}: {account.role}")
    if dev_messages:
        click.echo(f"SMS codes and messages are not sent: read them at http://{host}:{port}/dev/messages")
    click.echo("")
