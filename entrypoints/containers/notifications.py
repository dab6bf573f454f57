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
from entrypoints.http.routes.notifications import NotificationsUseCases


class Notifications(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()

    list_notifications = providers.Factory(
        ListNotifications, infrastructure.uow.provided.of.call(NotificationsUnitOfWork)
    )
    count_unread = providers.Factory(
        CountUnread,
        infrastructure.uow.provided.of.call(NotificationsUnitOfWork),
        infrastructure.cache,
    )
    mark_notifications = providers.Factory(
        MarkNotifications,
        infrastructure.uow.provided.of.call(NotificationsUnitOfWork),
        infrastructure.cache,
        core.clock,
    )
    delete_notification = providers.Factory(
        DeleteNotification,
        infrastructure.uow.provided.of.call(NotificationsUnitOfWork),
        infrastructure.cache,
    )
    delete_read_notifications = providers.Factory(
        DeleteReadNotifications, infrastructure.uow.provided.of.call(NotificationsUnitOfWork)
    )
    create_notification = providers.Factory(
        CreateNotificationHandler,
        infrastructure.uow.provided.of.call(NotificationsUnitOfWork),
        infrastructure.cache,
        core.clock,
    )
    purge_old_notifications = providers.Factory(
        PurgeOldNotifications,
        infrastructure.uow.provided.of.call(NotificationsUnitOfWork),
        core.clock,
    )

    # What the HTTP routes of this context run (entrypoints/http/routes).
    http = providers.List(
        providers.Singleton(
            NotificationsUseCases,
            count_unread=count_unread.provider,
            delete_notification=delete_notification.provider,
            delete_read_notifications=delete_read_notifications.provider,
            list_notifications=list_notifications.provider,
            mark_notifications=mark_notifications.provider,
        ),
    )
