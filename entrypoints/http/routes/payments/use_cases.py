"""The use cases these route modules run (built by the context's container)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from adapters.razorpay.sandbox import SandboxGateway
from application.idempotency import IdempotentRequests
from application.payments.create_order import CreateOrder
from application.payments.plans import GetPlan, ListPlans
from application.payments.queries import GetOwnPaymentByOrder, GetPayment, PaymentHistory
from application.payments.refunds import RefundPayment
from application.payments.verify import VerifyPayment
from application.payments.webhooks import ReceiveRazorpayWebhook


@dataclass(frozen=True)
class PaymentsUseCases:
    create_order: Callable[[], CreateOrder]
    get_own_payment_by_order: Callable[[], GetOwnPaymentByOrder]
    get_payment: Callable[[], GetPayment]
    get_plan: Callable[[], GetPlan]
    idempotency: Callable[[], IdempotentRequests]
    list_plans: Callable[[], ListPlans]
    payment_history: Callable[[], PaymentHistory]
    receive_razorpay_webhook: Callable[[], ReceiveRazorpayWebhook]
    refund_payment: Callable[[], RefundPayment]
    # The in-process sandbox gateway, outside production only (the /dev/checkout pages).
    sandbox: SandboxGateway | None
    verify_payment: Callable[[], VerifyPayment]
