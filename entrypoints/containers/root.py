"""The composition root: core, infrastructure, then one line per context.

A context brings its own container (``entrypoints/containers/<context>.py``) that declares
``core``/``infrastructure`` (and any context it uses) as ``DependenciesContainer``; its ``http``
names the route modules it serves, whose handlers' parameters resolve to its providers by type
(ADR 0011). Adding a context is one line here.
"""

from __future__ import annotations

from collections.abc import Iterator

from dependency_injector import containers, providers

from entrypoints.config import Settings
from entrypoints.containers.access import Access
from entrypoints.containers.account import Account
from entrypoints.containers.assistant import Assistant
from entrypoints.containers.audit import Audit
from entrypoints.containers.community import Community
from entrypoints.containers.core import Core
from entrypoints.containers.credits import Credits
from entrypoints.containers.free_credits import FreeCredits
from entrypoints.containers.idempotency import Idempotency
from entrypoints.containers.identity import Identity
from entrypoints.containers.infrastructure import Infrastructure
from entrypoints.containers.invitations import Invitations
from entrypoints.containers.jobs import Jobs
from entrypoints.containers.notifications import Notifications
from entrypoints.containers.payments import Payments
from entrypoints.containers.platform import Platform
from entrypoints.containers.profiles import Profiles
from entrypoints.containers.project_activity import ProjectActivityContext
from entrypoints.containers.realtime import Realtime
from entrypoints.containers.settings import UserSettings
from entrypoints.containers.support import Support
from entrypoints.containers.wiring import ProvidedTypes, members_of
from entrypoints.http.routing import ApiRoutes


class Container(containers.DeclarativeContainer):
    config = providers.Dependency(instance_of=Settings)
    core = providers.Container(Core, config=config)
    infrastructure = providers.Container(Infrastructure, core=core)

    # Contexts, in HTTP route registration order.
    _on = {"core": core, "infrastructure": infrastructure}
    platform = providers.Container(Platform, **_on)
    profiles = providers.Container(Profiles, **_on)
    settings = providers.Container(UserSettings, **_on)
    notifications = providers.Container(Notifications, **_on)
    identity = providers.Container(Identity, **_on)
    realtime = providers.Container(Realtime, identity=identity, **_on)
    idempotency = providers.Container(Idempotency, **_on)
    credits = providers.Container(Credits, idempotency=idempotency, **_on)
    free_credits = providers.Container(FreeCredits, credits=credits, idempotency=idempotency, **_on)
    payments = providers.Container(Payments, credits=credits, idempotency=idempotency, **_on)
    access = providers.Container(Access, **_on)
    invitations = providers.Container(Invitations, access=access, **_on)
    audit = providers.Container(Audit, access=access, **_on)
    jobs = providers.Container(Jobs, **_on)
    community = providers.Container(Community, **_on)
    assistant = providers.Container(
        Assistant,
        profiles=profiles,
        credits=credits,
        notifications=notifications,
        access=access,
        payments=payments,
        **_on,
    )
    support = providers.Container(Support, assistant=assistant, **_on)
    project_activity = providers.Container(ProjectActivityContext, access=access, **_on)
    account = providers.Container(Account, notifications=notifications, **_on)
    del _on


def route_modules() -> Iterator[tuple[str, ApiRoutes]]:
    """Every context's route modules with its name, in context order (from the classes: the
    OpenAPI document is built without a container)."""
    for name, provider in Container.cls_providers.items():
        if isinstance(provider, providers.Container):
            http = provider.container.providers.get("http")
            if isinstance(http, providers.Object):
                for routes in http.provides or ():
                    yield name, routes


def provided_types(container: Container) -> ProvidedTypes:
    """What the handlers' parameters resolve to: every context's providers, core's and
    infrastructure's, by the type they give (ADR 0011)."""
    return ProvidedTypes(
        (name, members_of(provider))
        for name, provider in container.providers.items()
        if isinstance(provider, providers.Container)
    )
