"""The project-activity context: GitHub deliveries in, activity out (project:read)."""

from __future__ import annotations

from dependency_injector import containers, providers

from adapters.github.webhook_signature import GithubWebhookVerifier
from application.project_activity.github import ApplyGithubDelivery, ReceiveGithubWebhook
from application.project_activity.reads import ListProjectActivity
from application.project_activity.unit_of_work import ProjectActivityUnitOfWork
from entrypoints.config import Settings
from entrypoints.containers.wiring import serves
from entrypoints.http.routes import project_activity


def _verifier(settings: Settings) -> GithubWebhookVerifier | None:
    secret = settings.github_webhook_secret
    return GithubWebhookVerifier(secret) if secret else None


class ProjectActivityContext(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    access = providers.DependenciesContainer()
    uow = infrastructure.uow.provided.of.call(ProjectActivityUnitOfWork)

    github_verifier = providers.Singleton(_verifier, core.config)
    receive_github_webhook = providers.Factory(ReceiveGithubWebhook, uow, core.clock)
    apply_github_delivery = providers.Factory(ApplyGithubDelivery, uow, core.clock)
    list_project_activity = providers.Factory(ListProjectActivity, uow, access.authorizer)

    # The route modules this context serves (their handlers' parameters resolve by type).
    http = serves(project_activity.routes)
