"""Reading one payment or answering 404: absent, and (for the buyer) someone else's alike."""

from __future__ import annotations

from application.identity.principal import Principal
from application.payments.unit_of_work import PaymentsUnitOfWork
from domain.payments.errors import PaymentNotFound
from domain.payments.payment import Payment


async def get_payment(
    uow: PaymentsUnitOfWork, payment_id: str, *, for_update: bool = False
) -> Payment:
    """The payment (its row locked until the transaction ends with ``for_update``)."""
    payment = await uow.payments.get(payment_id, for_update=for_update)
    if payment is None:
        raise PaymentNotFound("payment not found")
    return payment


async def own_payment_by_order(
    uow: PaymentsUnitOfWork, principal: Principal, order_id: str
) -> Payment:
    """The caller's payment for a gateway order; another user's order is "not found" too (no
    existence leak)."""
    payment = await uow.payments.get_by_order(order_id)
    if payment is None or payment.user_id != principal.user_id:
        raise PaymentNotFound("payment not found")
    return payment
