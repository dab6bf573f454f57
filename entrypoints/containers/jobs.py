"""The jobs context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.jobs.send_email import SendEmailHandler


class Jobs(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()

    send_email = providers.Factory(
        SendEmailHandler,
        infrastructure.email_templates,
        infrastructure.email_sender,
        core.code_sealer,
    )
