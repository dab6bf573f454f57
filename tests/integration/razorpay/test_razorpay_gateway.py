from __future__ import annotations

import pytest

from adapters.razorpay.gateway import RazorpayGateway
from application.payments.signatures import is_valid_checkout_signature, is_valid_webhook_signature
from application.ports.payment_gateway import GatewayRejected, GatewayUnavailable
from tests.fixtures.fake_razorpay import FakeRazorpay

pytestmark = pytest.mark.asyncio


async def _order(gateway: RazorpayGateway, receipt: str = "rcpt_1") -> str:
    order = await gateway.create_order(
        amount=49_900, currency="INR", receipt=receipt, notes={"paymentId": "p1"}
    )
    return order.id


async def test_create_then_fetch_an_order(gateway: RazorpayGateway) -> None:
    created = await gateway.create_order(
        amount=9_900, currency="INR", receipt="rcpt_abc", notes={"userId": "u1"}
    )
    assert created.id.startswith("order_") and created.status == "created"
    fetched = await gateway.fetch_order(created.id)
    assert (fetched.amount, fetched.currency, fetched.receipt) == (9_900, "INR", "rcpt_abc")
    assert fetched.notes == {"userId": "u1"}


async def test_wrong_credentials_are_rejected(fake: FakeRazorpay) -> None:
    client = RazorpayGateway(
        key_id=fake.key_id, key_secret="wrong", base_url=fake.base_url, retries=0
    )
    try:
        with pytest.raises(GatewayRejected) as err:
            await client.fetch_order("order_x")
        assert err.value.gateway_status == 401
    finally:
        await client.close()


async def test_order_payments_and_payment_fetch(
    gateway: RazorpayGateway, fake: FakeRazorpay
) -> None:
    order_id = await _order(gateway)
    failed = fake.pay(order_id, outcome="failed")
    ok = fake.pay(order_id, outcome="captured")
    payments = {p.id: p for p in await gateway.fetch_order_payments(order_id)}
    assert payments[failed["id"]].status == "failed"
    assert payments[failed["id"]].error_description
    assert payments[ok["id"]].captured and payments[ok["id"]].status == "captured"
    single = await gateway.fetch_payment(ok["id"])
    assert (single.order_id, single.amount, single.currency) == (order_id, 49_900, "INR")
    assert (await gateway.fetch_order(order_id)).status == "paid"


async def test_unknown_ids_and_malformed_ids_are_rejected(gateway: RazorpayGateway) -> None:
    with pytest.raises(GatewayRejected) as err:
        await gateway.fetch_payment("pay_DoesNotExist00")
    assert err.value.gateway_code == "BAD_REQUEST_ERROR"
    with pytest.raises(GatewayRejected):
        await gateway.fetch_payment("../orders")


async def test_refund_is_idempotent_per_key(gateway: RazorpayGateway, fake: FakeRazorpay) -> None:
    payment = fake.pay(await _order(gateway))
    first = await gateway.refund(
        payment["id"], amount=10_000, idempotency_key="refund-key-0001", notes={"refund_id": "r1"}
    )
    again = await gateway.refund(
        payment["id"], amount=10_000, idempotency_key="refund-key-0001", notes={"refund_id": "r1"}
    )
    assert first.id == again.id and first.notes == {"refund_id": "r1"}
    assert fake.payments[payment["id"]]["amount_refunded"] == 10_000
    with pytest.raises(GatewayRejected):
        await gateway.refund(
            payment["id"],
            amount=20_000,
            idempotency_key="refund-key-0001",
            notes={"refund_id": "r1"},
        )
    refunds = await gateway.fetch_refunds(payment["id"])
    assert [r.id for r in refunds] == [first.id]


async def test_refund_above_the_captured_amount_is_rejected(
    gateway: RazorpayGateway, fake: FakeRazorpay
) -> None:
    payment = fake.pay(await _order(gateway))
    with pytest.raises(GatewayRejected):
        await gateway.refund(
            payment["id"], amount=50_000, idempotency_key="refund-key-0002", notes={}
        )


async def test_reads_and_refunds_are_retried_on_5xx(
    gateway: RazorpayGateway, fake: FakeRazorpay
) -> None:
    payment = fake.pay(await _order(gateway))
    fake.fail_next(2, status=502)
    assert (await gateway.fetch_payment(payment["id"])).captured
    fake.fail_next(1, status=503)
    refund = await gateway.refund(
        payment["id"], amount=100, idempotency_key="refund-key-0003", notes={}
    )
    assert refund.amount == 100
    assert fake.calls("POST", f"/v1/payments/{payment['id']}/refund") == 2
    assert len(fake.refunds) == 1


async def test_order_creation_is_never_retried(
    gateway: RazorpayGateway, fake: FakeRazorpay
) -> None:
    fake.fail_next(1, status=503)
    with pytest.raises(GatewayUnavailable):
        await _order(gateway)
    assert fake.calls("POST", "/v1/orders") == 1
    assert fake.orders == {}


async def test_persistent_5xx_surfaces_as_unavailable(
    gateway: RazorpayGateway, fake: FakeRazorpay
) -> None:
    fake.fail_next(3, status=500)
    with pytest.raises(GatewayUnavailable):
        await gateway.fetch_order("order_Whatever000000")
    assert fake.calls("GET", "/v1/orders/") == 3


async def test_4xx_is_not_retried(gateway: RazorpayGateway, fake: FakeRazorpay) -> None:
    with pytest.raises(GatewayRejected):
        await gateway.fetch_order("order_Missing0000000")
    assert fake.calls("GET", "/v1/orders/") == 1


async def test_a_slow_gateway_times_out(fake: FakeRazorpay) -> None:
    client = RazorpayGateway(
        key_id=fake.key_id,
        key_secret=fake.key_secret,
        base_url=fake.base_url,
        timeout=0.2,
        retries=0,
    )
    fake.delay_next(1.0)
    try:
        with pytest.raises(GatewayUnavailable):
            await client.fetch_order("order_Slow0000000000")
    finally:
        await client.close()


async def test_an_unreachable_gateway_is_unavailable() -> None:
    client = RazorpayGateway(
        key_id="k", key_secret="s", base_url="http://127.0.0.1:9", retries=1, backoff=0.0
    )
    try:
        with pytest.raises(GatewayUnavailable):
            await client.fetch_order("order_Nowhere000000")
    finally:
        await client.close()


async def test_signatures_match_what_the_fake_produces(
    gateway: RazorpayGateway, fake: FakeRazorpay
) -> None:
    order_id = await _order(gateway)
    payment = fake.pay(order_id)
    signature = fake.checkout_signature(order_id, payment["id"])
    assert is_valid_checkout_signature(
        order_id=order_id, payment_id=payment["id"], signature=signature, key_secret=fake.key_secret
    )
    assert not is_valid_checkout_signature(
        order_id=order_id, payment_id="pay_other", signature=signature, key_secret=fake.key_secret
    )
    hook = fake.sent_webhooks[-1]
    assert hook.event == "order.paid"
    assert is_valid_webhook_signature(
        raw_body=hook.body,
        signature=hook.headers["X-Razorpay-Signature"],
        secret=fake.webhook_secret,
    )
    assert not is_valid_webhook_signature(
        raw_body=hook.body + b" ",
        signature=hook.headers["X-Razorpay-Signature"],
        secret=fake.webhook_secret,
    )


async def test_webhooks_are_delivered_signed_with_an_event_id(gateway: RazorpayGateway) -> None:
    from aiohttp import web

    received: list[tuple[bytes, dict[str, str]]] = []

    async def receive(request: web.Request) -> web.Response:
        received.append((await request.read(), dict(request.headers)))
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/hook", receive)
    receiver = FakeRazorpay()  # only for its server plumbing: start a second app on a free port
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        fake = FakeRazorpay(webhook_url=f"http://127.0.0.1:{port}/hook")
        await fake.start()
        client = RazorpayGateway(
            key_id=fake.key_id, key_secret=fake.key_secret, base_url=fake.base_url, retries=0
        )
        order = await client.create_order(amount=9_900, currency="INR", receipt="r", notes={})
        fake.pay(order.id, outcome="captured")
        await fake.drain_webhooks()
        await client.close()
        await fake.stop()
    finally:
        await runner.cleanup()
    assert receiver.orders == {}
    events = sorted(h.get("X-Razorpay-Event-Id", "") for _, h in received)
    assert len(events) == 3 and len(set(events)) == 3
    for body, headers in received:
        assert is_valid_webhook_signature(
            raw_body=body, signature=headers["X-Razorpay-Signature"], secret=fake.webhook_secret
        )
