"""Volunteer Hub: a volunteer task marketplace for emergencies. create_app() is the table of contents."""

import importlib.util
import os
import pkgutil
from collections.abc import Mapping

from flask import Flask

from volunteer_hub import config as settings
from volunteer_hub.core.jsonbody import JSONProvider
from volunteer_hub.core.routing import IdConverter


def create_app(config: Mapping | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.json = JSONProvider(app)
    app.url_map.converters["int"] = IdConverter
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(settings.load(app.instance_path))
    if config:
        app.config.update(config)
    settings.require_shared_settings(app.config)
    settings.choose_senders(app.config)
    app.config["SECRET_KEY"] = settings.secret_key(app.config["SECRET_KEY"], app.instance_path)
    app.config.update(settings.vapid_keys(app.config, app.instance_path))
    register_extensions(app)
    register_hooks()
    register_blueprints(app)
    register_domain_modules()
    register_template_helpers(app)
    register_error_handlers(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    from volunteer_hub.accounts import locale
    from volunteer_hub.accounts.login import init_login
    from volunteer_hub.core import redis
    from volunteer_hub.core.db import configure_postgresql, configure_sqlite, engine_options
    from volunteer_hub.core.security import init_security
    from volunteer_hub.extensions import babel, compress, csrf, db, limiter, migrate
    from volunteer_hub.tasks.nearby import TileCache

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLITE_BUSY_TIMEOUT_S"]
    )
    app.config["REDIS_URL"] = redis.resolve_url(app.config["REDIS_URL"], app.instance_path)
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
        elif db.engine.dialect.name == "postgresql":
            configure_postgresql(db.engine)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=locale.select_locale, timezone_selector=locale.select_timezone)
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis.limits_storage_uri(app.config["REDIS_URL"]))
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "vh-limits")
    limiter.init_app(app)
    init_login(app)
    init_security(app)
    if app.config["COMPRESS_RESPONSES"]:
        compress.init_app(app)
    app.extensions["nearby_tiles"] = TileCache(app.config["NEARBY_CACHE_SECONDS"])
    import volunteer_hub.models  # noqa: F401  (every model registered before the first query)


def register_hooks() -> None:
    """Where a package restricts or reacts to one below it, which never imports it (see ARCHITECTURE.md)."""
    from volunteer_hub.accounts.services import register_orgs
    from volunteer_hub.claims.queries import count_active_on_task, status_counts
    from volunteer_hub.claims.rules import shift_states
    from volunteer_hub.claims.services import cancel_for_task, fill_from_waitlist, tell_shift_moved
    from volunteer_hub.extensions import db
    from volunteer_hub.help.rules import check_help_shift, check_shifts_fixed, task_contact
    from volunteer_hub.orgs.access import home_endpoint
    from volunteer_hub.orgs.models import Organisation
    from volunteer_hub.orgs.services import community_choices, register_site_tasks, roles_of
    from volunteer_hub.tasks.models import Task
    from volunteer_hub.tasks.queries import list_open_tasks_under, register_claim_reads
    from volunteer_hub.tasks.rules import register_edit_checks
    from volunteer_hub.tasks.schemas import register_contact
    from volunteer_hub.tasks.services import register_claim_reactions

    register_orgs(
        get=lambda org_id: db.session.get(Organisation, org_id),
        choices=community_choices,
        landing=home_endpoint,
        roles=roles_of,
    )
    register_edit_checks(adding_shifts=check_shifts_fixed, shift_change=check_help_shift)
    register_site_tasks(get=lambda task_id: db.session.get(Task, task_id), list_open=list_open_tasks_under)
    register_claim_reactions(
        capacity_changed=fill_from_waitlist, shift_moved=tell_shift_moved, task_cancelled=cancel_for_task
    )
    register_claim_reads(states=shift_states, counts=status_counts, active=count_active_on_task)
    register_contact(task_contact)


def register_blueprints(app: Flask) -> None:
    from volunteer_hub.accounts.views import bp as accounts
    from volunteer_hub.api import init_api
    from volunteer_hub.attendance.views import bp as attendance
    from volunteer_hub.callouts.views import bp as callouts
    from volunteer_hub.certificates.views import bp as certificates
    from volunteer_hub.claims.views import bp as claims
    from volunteer_hub.help.views import bp as help_pages
    from volunteer_hub.hours.views import bp as hours
    from volunteer_hub.incidents.views import bp as incidents
    from volunteer_hub.lottery.views import bp as lottery
    from volunteer_hub.messaging import views as messaging
    from volunteer_hub.notifications.views import bp as notifications
    from volunteer_hub.orgs.views import bp as orgs
    from volunteer_hub.outreach.views import bp as outreach
    from volunteer_hub.pages import bp as pages
    from volunteer_hub.posts.views import bp as posts
    from volunteer_hub.rotas.views import bp as rotas
    from volunteer_hub.stats.views import bp as stats
    from volunteer_hub.tasks.organizer_views import bp as organizer
    from volunteer_hub.tasks.views import bp as tasks
    from volunteer_hub.teams.views import bp as teams

    messaging.init_app(app)
    for blueprint in (
        pages,
        accounts,
        tasks,
        claims,
        notifications,
        organizer,
        orgs,
        attendance,
        certificates,
        hours,
        stats,
        help_pages,
        teams,
        lottery,
        rotas,
        outreach,
        callouts,
        posts,
        incidents,
    ):
        app.register_blueprint(blueprint)
    register_post_operations(app)
    init_api(app)


def register_post_operations(app: Flask) -> None:
    """Issue 25's pages: a post's supplies and its handover log."""
    from volunteer_hub.handovers.views import bp as handovers
    from volunteer_hub.supplies.views import bp as supplies

    for blueprint in (supplies, handovers):
        app.register_blueprint(blueprint)


def register_domain_modules() -> None:
    """A domain declares the texts of the notifications it sends in its texts.py (@notification_text) and its
    recurring jobs in its jobs.py (@recurring): import every domain's, so each declaration registers itself."""
    for domain in pkgutil.iter_modules(__path__, f"{__name__}."):
        for module in ("texts", "jobs"):
            if domain.ispkg and importlib.util.find_spec(f"{domain.name}.{module}"):
                importlib.import_module(f"{domain.name}.{module}")


def register_template_helpers(app: Flask) -> None:
    from volunteer_hub.templating import init_templating

    init_templating(app)


def register_error_handlers(app: Flask) -> None:
    from volunteer_hub.errors import init_error_handlers

    init_error_handlers(app)


def register_cli(app: Flask) -> None:
    from volunteer_hub.cli import init_cli

    init_cli(app)
