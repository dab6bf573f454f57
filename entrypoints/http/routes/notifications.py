"""Notification routes (the realtime stream is a later slice)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from application.notifications.inbox import (
    CountUnread,
    DeleteNotification,
    DeleteReadNotifications,
    ListNotifications,
    MarkNotifications,
)
from application.notifications.ports import NotificationFilter
from domain.notifications.notification import Notification, NotificationType
from entrypoints.http.routing import ApiRoutes, Call, NoBody, NoQuery, Reply
from entrypoints.http.schemas.base import (
    ApiInput,
    ApiOutput,
    Deleted,
    PageQuery,
    Updated,
    UtcTime,
    shown,
)

routes = ApiRoutes(tag="notifications")
NotificationId = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class NotificationQuery(PageQuery):
    read: bool | None = None
    type: NotificationType | None = None


class NotificationOut(ApiOutput):
    id: str
    type: NotificationType
    title: str
    message: str
    description: str
    action_url: str | None
    action_label: str | None
    metadata: dict[str, object]
    read: bool
    read_at: UtcTime | None
    created_at: UtcTime


class IdsIn(ApiInput):
    ids: list[NotificationId] = Field(min_length=1, max_length=100)


class CountOut(ApiOutput):
    count: int


def notification_out(n: Notification) -> NotificationOut:
    return shown(NotificationOut, n, metadata=dict(n.metadata), read=n.is_read)


@routes.page(
    "/api/v1/notifications",
    NotificationOut,
    summary="My notifications, newest first (meta.unreadCount)",
)
async def list_notifications(
    call: Call[NoBody, NotificationQuery], list_notifications: ListNotifications
) -> Reply:
    q = call.query
    page, unread = await list_notifications(
        call.user, NotificationFilter(read=q.read, type=q.type), q.paging
    )
    return Reply(
        [notification_out(n) for n in page.items],
        meta={"limit": q.limit, "nextCursor": page.next_cursor, "unreadCount": unread},
    )


@routes.get("/api/v1/notifications/unread-count", summary="Unread count")
async def unread_count(call: Call[NoBody, NoQuery], count_unread: CountUnread) -> CountOut:
    return CountOut(count=await count_unread(call.user))


def _add_mark_route(read: bool, summary: str) -> None:
    word = "read" if read else "unread"

    @routes.post(
        f"/api/v1/notifications/mark-{word}", summary=summary, name=f"notifications_mark_{word}"
    )
    async def mark(call: Call[IdsIn, NoQuery], mark_notifications: MarkNotifications) -> Updated:
        return Updated(updated=await mark_notifications(call.user, call.body.ids, read))


_add_mark_route(True, "Mark some of my notifications read")
_add_mark_route(False, "Mark some of my notifications unread")


@routes.post("/api/v1/notifications/mark-all-read", summary="Mark all my notifications read")
async def mark_all_read(
    call: Call[NoBody, NoQuery], mark_notifications: MarkNotifications
) -> Updated:
    n = await mark_notifications(call.user, None, True)
    return Updated(updated=n)


@routes.delete("/api/v1/notifications/read", summary="Delete all my read notifications")
async def delete_read(
    call: Call[NoBody, NoQuery], delete_read_notifications: DeleteReadNotifications
) -> Deleted:
    return Deleted(deleted=await delete_read_notifications(call.user))


@routes.delete("/api/v1/notifications/{id}", summary="Delete one of my notifications")
async def delete_one(
    call: Call[NoBody, NoQuery], delete_notification: DeleteNotification
) -> Deleted:
    await delete_notification(call.user, call.path["id"])
    return Deleted(deleted=1)
