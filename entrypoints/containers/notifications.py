"""The notifications context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.notifications.delivery import CreateNotificationHandler, PurgeOldNotifications
from application.notifications.inbox import (
    CountUnread,
    DeleteNotification,
    DeleteReadNotifications,
    ListNotifications,
    MarkNotifications,
)
from application.notifications.unit_of_work import NotificationsUnitOfWork
from entrypoints.containers.wiring import serves
from entrypoints.http.routes import notifications


class Notifications(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    uow = infrastructure.uow.provided.of.call(NotificationsUnitOfWork)
    read_uow = infrastructure.read_uow.provided.of.call(NotificationsUnitOfWork)  # ADR 0094

    list_notifications = providers.Factory(ListNotifications, read_uow)
    count_unread = providers.Factory(CountUnread, uow, infrastructure.cache)
    mark_notifications = providers.Factory(MarkNotifications, uow, infrastructure.cache, core.clock)
    delete_notification = providers.Factory(DeleteNotification, uow, infrastructure.cache)
    delete_read_notifications = providers.Factory(DeleteReadNotifications, uow)
    create_notification = providers.Factory(
        CreateNotificationHandler, uow, infrastructure.cache, core.clock
    )
    purge_old_notifications = providers.Factory(PurgeOldNotifications, uow, core.clock)

    # The route modules this context serves (their handlers' parameters resolve by type).
    http = serves(notifications.routes)
