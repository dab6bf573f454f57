"""The ``fairarena`` command line: serve, migrate, token (and the commands contexts add)."""

from __future__ import annotations

import errno
import sys

import click

from entrypoints.cli.account import account
from entrypoints.cli.credits import credits, ledger
from entrypoints.cli.jobs import jobs
from entrypoints.cli.plans import plans
from entrypoints.cli.settings import load_settings
from entrypoints.config import Settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """FairArena backend. Configuration comes from the environment (docs/operations.md)."""


@main.command()
@click.option("--host", default=None, help="Interface to bind (default: HOST or 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default: PORT or 3000).")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="API processes sharing the port (SO_REUSEPORT); more than 1 needs REDIS_URL.",
)
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Serve the HTTP API (with in-process jobs when REDIS_URL is unset)."""
    settings = load_settings()
    if workers > 1 and not settings.redis_url:
        raise click.ClickException(
            "--workers > 1 needs REDIS_URL: cache, rate limits and jobs must be shared "
            "between the processes"
        )
    bind_host, bind_port = host or settings.host, port or settings.port
    if workers == 1:
        _serve_one(settings, bind_host, bind_port, reuse_port=False)
        return
    from entrypoints.http import app  # noqa: F401 - imported once, before the fork
    from entrypoints.http.server_processes import run_processes

    # The children inherit the imported modules (copy-on-write) instead of each importing them
    # again at once: N imports competing for the cores held start-up past 30 s on a busy host.
    sys.exit(run_processes(lambda: _serve_child(settings, bind_host, bind_port), workers))


def _serve_child(settings: Settings, host: str, port: int) -> None:
    """One of ``--workers N``: a refusal is a message and exit status 1, never a traceback."""
    try:
        _serve_one(settings, host, port, reuse_port=True)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)


def _serve_one(settings: Settings, host: str, port: int, *, reuse_port: bool) -> None:
    import uvloop
    from aiohttp import web

    from entrypoints.http.app import create_app
    from entrypoints.http.heap import freeze_startup_heap
    from entrypoints.observability import configure_logging
    from entrypoints.runtime import build_container
    from entrypoints.tracing import configure_tracing

    configure_logging(settings.log_level, flush_seconds=settings.log_flush_seconds)
    configure_tracing(settings)
    app = create_app(build_container(settings))
    app.on_startup.append(freeze_startup_heap(settings.gc_gen0_threshold))
    uvloop.install()
    try:
        web.run_app(
            app,
            host=host,
            port=port,
            reuse_port=reuse_port or None,
            access_log=None,
            print=lambda msg: click.echo(msg, err=True),
        )
    except OSError as exc:
        if exc.errno not in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            raise
        raise click.ClickException(_bind_refused(host, port, exc.errno)) from None


def _bind_refused(host: str, port: int, code: int) -> str:
    if code == errno.EADDRINUSE:
        return (
            f"cannot listen on {host}:{port}: the port is already in use (another "
            "`fairarena serve` or `make run`?). Stop it, or choose another port: "
            f"PORT={port + 1} make run, or fairarena serve --port {port + 1}"
        )
    if code == errno.EACCES:
        return f"cannot listen on {host}:{port}: permission denied (ports below 1024 need root)"
    return f"cannot listen on {host}:{port}: {host} is not an address of this machine (HOST)"


@main.command()
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@click.option(
    "--sql",
    "from_revision",
    default=None,
    metavar="FROM",
    help="Print the SQL from revision FROM (or 'base') to --revision instead of running it; "
    "nothing is connected to.",
)
def migrate(revision: str, from_revision: str | None) -> None:
    """Apply database migrations (PostgreSQL or SQLite, from DATABASE_URL)."""
    from alembic.util import CommandError

    from adapters.sqlalchemy.migrate import upgrade, upgrade_script

    settings = load_settings()
    try:
        if from_revision is not None:
            script = upgrade_script(settings.database_url, revision, start=from_revision)
            click.echo(script, nl=False)
            return
        upgrade(settings.database_url, revision)
    except CommandError as exc:  # an unknown revision, a range that goes nowhere
        raise click.ClickException(str(exc)) from None
    click.echo(f"database at {revision}", err=True)


@main.command()
@click.option(
    "--threads", default=None, type=int, help="Worker threads (default: WORKER_THREADS or 4)."
)
def worker(threads: int | None) -> None:
    """Run background jobs: the Dramatiq worker and the outbox relay."""
    import asyncio

    from entrypoints.jobs.commands import run_worker
    from entrypoints.observability import configure_logging
    from entrypoints.tracing import configure_tracing

    settings = load_settings()
    configure_logging(settings.log_level)
    configure_tracing(settings)
    asyncio.run(run_worker(settings, threads=threads or settings.worker_threads))


@main.command()
def scheduler() -> None:
    """Run periodic jobs (daily notification cleanup, ...), each once per time slot."""
    import asyncio

    from entrypoints.jobs.commands import run_scheduler
    from entrypoints.observability import configure_logging
    from entrypoints.tracing import configure_tracing

    settings = load_settings()
    configure_logging(settings.log_level)
    configure_tracing(settings)
    asyncio.run(run_scheduler(settings))


@main.command()
@click.argument("email")
@click.option("--admin", is_flag=True, help="Add the role=admin claim (platform admin).")
@click.option("--name", default=None, help="Display name claim (default: the e-mail's local part).")
@click.option("--ttl", default=7 * 24 * 3600, show_default=True, help="Lifetime in seconds.")
def token(email: str, admin: bool, name: str | None, ttl: int) -> None:
    """Print a development token for EMAIL (AUTH_MODE=dev only)."""
    from adapters.dev_identity.dev_tokens import issue_dev_token

    settings = load_settings()
    if settings.auth_mode != "dev":
        raise click.ClickException("tokens are minted only with AUTH_MODE=dev")
    if "@" not in email:
        raise click.BadParameter("must be an e-mail address", param_hint="EMAIL")
    click.echo(
        issue_dev_token(
            settings.resolved_dev_auth_secret(), email, name=name, admin=admin, ttl_seconds=ttl
        )
    )


for group in (credits, ledger, plans, jobs, account):  # each context registers its group here
    main.add_command(group)

# Last, so `python -m entrypoints.cli.main` sees every group registered above.
if __name__ == "__main__":
    sys.exit(main())
