"""A payment's status change is announced to its owner's realtime connections, after its commit.

Called where a payment is saved, with the payment as it was read: nothing is queued when the
status stayed the same, so replays, notes and flags stay silent.
"""

from __future__ import annotations

from application.payments.unit_of_work import PaymentsUnitOfWork
from application.ports.outbox_commands import PublishRealtime
from domain.payments.payment import Payment
from domain.realtime.events import PAYMENT_STATUS_CHANGED


async def announce_status(uow: PaymentsUnitOfWork, before: Payment, after: Payment) -> None:
    """Queue ``payment.status_changed`` ``{paymentId, status, previousStatus}`` in ``uow``."""
    if before.status is after.status:
        return
    data = {
        "paymentId": after.id,
        "status": after.status.value,
        "previousStatus": before.status.value,
    }
    await uow.outbox.add(PublishRealtime(after.user_id, PAYMENT_STATUS_CHANGED, data))
