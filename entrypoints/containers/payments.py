"""The payments context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.payments.create_order import CreateOrder
from application.payments.plans import CreatePlan, DeactivatePlan, GetPlan, ListPlans
from application.payments.queries import GetOwnPaymentByOrder, GetPayment, PaymentHistory
from application.payments.reconciliation import ReconcilePayments
from application.payments.refunds import RefundPayment
from application.payments.settlement import PaymentSettlement
from application.payments.unit_of_work import PaymentsUnitOfWork
from application.payments.verify import VerifyPayment
from application.payments.webhooks import ProcessRazorpayWebhook, ReceiveRazorpayWebhook
from entrypoints.containers.wiring import serves
from entrypoints.http.routes.payments import api, checkout
from entrypoints.payments_wiring import checkout_key_secret, checkout_sandbox


class Payments(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    idempotency = providers.DependenciesContainer()
    credits = providers.DependenciesContainer()
    uow = infrastructure.uow.provided.of.call(PaymentsUnitOfWork)
    read_uow = infrastructure.read_uow.provided.of.call(PaymentsUnitOfWork)  # ADR 0096

    list_plans = providers.Factory(ListPlans, read_uow)
    get_plan = providers.Factory(GetPlan, read_uow)
    create_plan = providers.Factory(CreatePlan, uow, core.clock)
    deactivate_plan = providers.Factory(DeactivatePlan, uow, core.clock)
    payment_settlement = providers.Factory(
        PaymentSettlement,
        uow,
        infrastructure.payment_gateway,
        credits.credits_ledger,
        credits.referral_program,
    )
    create_order = providers.Factory(
        CreateOrder,
        uow,
        infrastructure.payment_gateway,
        core.clock,
        payments_enabled=core.config.provided.payments_are_enabled,
    )
    verify_payment = providers.Factory(
        VerifyPayment,
        uow,
        payment_settlement,
        credits.credits_ledger,
        core.clock,
        key_secret=providers.Callable(
            checkout_key_secret, core.config, infrastructure.payment_gateway
        ),
        payments_enabled=core.config.provided.payments_are_enabled,
    )
    payment_history = providers.Factory(PaymentHistory, read_uow)
    get_payment = providers.Factory(GetPayment, uow, payment_settlement, core.clock)
    get_own_payment_by_order = providers.Factory(GetOwnPaymentByOrder, read_uow)
    refund_payment = providers.Factory(
        RefundPayment, uow, infrastructure.payment_gateway, payment_settlement, core.clock
    )
    receive_razorpay_webhook = providers.Factory(
        ReceiveRazorpayWebhook, uow, core.clock, secret=core.config.provided.razorpay_webhook_secret
    )
    process_razorpay_webhook = providers.Factory(
        ProcessRazorpayWebhook, uow, infrastructure.payment_gateway, payment_settlement, core.clock
    )
    reconcile_payments = providers.Factory(
        ReconcilePayments, uow, payment_settlement, refund_payment, core.clock
    )

    # The in-process sandbox gateway, outside production only (the /dev/checkout pages).
    sandbox = providers.Callable(checkout_sandbox, core.config, infrastructure.payment_gateway)

    # The route modules this context serves (their handlers' parameters resolve by type).
    http = serves(api.routes, checkout.routes)
