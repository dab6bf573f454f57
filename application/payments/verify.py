"""POST /payments/verify: the browser's checkout result, checked, confirmed with the gateway."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field

from application.identity.principal import Principal
from application.payments.lookups import own_payment_by_order
from application.payments.ports import PurchaseLedger
from application.payments.settlement import PaymentSettlement
from application.payments.signatures import is_valid_checkout_signature
from application.payments.unit_of_work import PaymentsUnitOfWork
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.payments.errors import (
    AmountMismatch,
    InvalidPaymentSignature,
    PaymentDeclined,
    PaymentsDisabled,
)
from domain.payments.events import EventContext, PaymentEventType
from domain.payments.payment import Payment
from domain.payments.status import PaymentStatus
from domain.request_context import RequestContext


@dataclass(frozen=True)
class Verified:
    payment: Payment
    credits_added: int
    balance: int | None

    @property
    def status(self) -> PaymentStatus:
        return self.payment.status


@dataclass(frozen=True, eq=False)
class VerifyPayment:
    """Signature (constant time) and ownership first; then the gateway is asked (outside any
    transaction) and the settlement completes the payment and credits the wallet, once."""

    uow: UnitOfWorkFactory[PaymentsUnitOfWork]
    settlement: PaymentSettlement
    ledger: PurchaseLedger
    clock: Clock
    _: KW_ONLY
    key_secret: str = field(repr=False)
    payments_enabled: bool

    async def __call__(
        self,
        principal: Principal,
        *,
        order_id: str,
        gateway_payment_id: str,
        signature: str,
        meta: RequestContext,
    ) -> Verified:
        if not self.payments_enabled:
            raise PaymentsDisabled("Payments are currently disabled. Please try again later.")
        ctx = EventContext(
            request=meta, actor=principal.user_id, source="verify", now=self.clock.now()
        )
        async with self.uow() as uow:
            payment = await own_payment_by_order(uow, principal, order_id)
        if not is_valid_checkout_signature(
            order_id=order_id,
            payment_id=gateway_payment_id,
            signature=signature,
            key_secret=self.key_secret,
        ):
            await self._note(payment, PaymentEventType.SIGNATURE_INVALID, ctx, gateway_payment_id)
            raise InvalidPaymentSignature("Payment verification failed")
        snapshot = await self.settlement.snapshot(payment)
        if gateway_payment_id not in {p.id for p in snapshot.payments}:
            await self._note(
                payment,
                PaymentEventType.FLAGGED,
                ctx,
                gateway_payment_id,
                flag="PAYMENT_NOT_ON_ORDER",
            )
            raise InvalidPaymentSignature("Payment verification failed")
        settled = await self.settlement.apply(payment.id, snapshot.facts, ctx)
        current = settled.payment
        if settled.amount_mismatch:
            raise AmountMismatch("the paid amount does not match the order")
        if current.status.is_paid:
            balance = settled.balance
            if balance is None:
                async with self.uow() as uow:
                    balance = (await self.ledger.balance(uow, current.user_id)).balance
            return Verified(current, current.credits, balance)
        if current.status in (PaymentStatus.FAILED, PaymentStatus.CANCELLED):
            raise PaymentDeclined(current.failure_reason or "the payment did not go through")
        return Verified(current, 0, None)  # authorized, not captured yet: PROCESSING

    async def _note(
        self,
        payment: Payment,
        kind: PaymentEventType,
        ctx: EventContext,
        gateway_payment_id: str,
        *,
        flag: str | None = None,
    ) -> None:
        data: dict[str, str | int | bool | None] = {"gatewayPaymentId": gateway_payment_id[:100]}
        if flag:
            data["flag"] = flag
        async with self.uow() as uow:
            await uow.payments.append_events([payment.note(kind, ctx, data)])
            await uow.commit()
