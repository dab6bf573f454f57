"""The sandbox checkout: a person can buy credits in a browser without Razorpay keys."""

from __future__ import annotations

import pytest

from adapters.razorpay.gateway import RazorpayGateway
from adapters.razorpay.sandbox import SandboxGateway
from entrypoints.config import ConfigurationError
from entrypoints.payments_wiring import payment_gateway
from tests.conftest import bearer
from tests.e2e.payments.conftest import Shop


async def test_buy_credits_through_the_sandbox_checkout(app_client, token) -> None:  # type: ignore[no-untyped-def]
    t = token()
    start = await app_client.get("/dev/checkout")
    assert start.status == 200 and "plan_pro" in await start.text()
    created = await app_client.post(
        "/api/v1/payments/create-order", json={"planId": "plan_pro"}, headers=bearer(t)
    )
    order = (await created.json())["data"]
    assert order["keyId"] == "rzp_test_sandbox"
    page = await app_client.get(f"/dev/checkout/{order['orderId']}")
    assert page.status == 200 and order["orderId"] in await page.text()
    # what the page's script does: pay at the "gateway", then verify like a real frontend
    declined = await (
        await app_client.post(
            f"/dev/checkout/{order['orderId']}/pay?outcome=failed", headers=bearer(t)
        )
    ).json()
    r = await app_client.post("/api/v1/payments/verify", json=declined, headers=bearer(t))
    assert r.status == 402 and (await r.json())["error"]["code"] == "PAYMENT_FAILED"
    checkout = await (
        await app_client.post(f"/dev/checkout/{order['orderId']}/pay", headers=bearer(t))
    ).json()
    assert set(checkout) == {"razorpay_order_id", "razorpay_payment_id", "razorpay_signature"}
    r = await app_client.post("/api/v1/payments/verify", json=checkout, headers=bearer(t))
    assert r.status == 200 and (await r.json())["data"]["balance"] == 600


async def test_the_sandbox_checkout_does_not_exist_with_razorpay_keys(shop: Shop) -> None:
    for path in ("/dev/checkout", "/dev/checkout/order_X"):
        r = await shop.client.get(path)
        assert r.status == 404
    assert (await shop.client.post("/dev/checkout/order_X/pay")).status == 404
    spec = await (await shop.client.get("/openapi.json")).json()
    assert not [p for p in spec["paths"] if p.startswith("/dev/")]


def test_production_never_uses_the_sandbox_and_needs_keys_to_take_payments(test_settings) -> None:  # type: ignore[no-untyped-def]
    import base64

    production = {
        "env": "production",
        "auth_mode": "clerk",
        "clerk_jwt_key": "k",
        "email_provider": "resend",
        "resend_api_key": "re_x",
        "sms_provider": "twilio",
        "twilio_account_sid": "AC" + "0" * 32,
        "twilio_auth_token": "t",
        "twilio_from": "+15005550006",
        "otp_pepper": "p" * 40,
        "invite_seal_key": base64.urlsafe_b64encode(b"k" * 32).decode(),
        "link_signing_key": "links-" + "7" * 32,
        "payments_sandbox": False,
    }
    settings = test_settings(**production)
    assert not settings.payments_are_enabled and not settings.uses_payment_sandbox
    settings.check_production_safety()
    assert isinstance(payment_gateway(settings), RazorpayGateway)
    with pytest.raises(ConfigurationError, match="RAZORPAY_KEY_ID"):
        test_settings(**production, payments_enabled=True).check_production_safety()
    keyed = test_settings(
        **production,
        payments_enabled=True,
        razorpay_key_id="rzp_live_x",
        razorpay_key_secret="s",
        razorpay_webhook_secret="w",
    )
    keyed.check_production_safety()
    development = test_settings(env="development")  # the fixture asks for the sandbox
    assert development.payments_are_enabled
    assert isinstance(payment_gateway(development), SandboxGateway)
    with pytest.raises(ConfigurationError, match="PAYMENTS_SANDBOX=true is not allowed"):
        test_settings(**(production | {"payments_sandbox": True})).check_production_safety()


async def test_without_payments_sandbox_there_is_no_free_checkout(
    test_settings,  # type: ignore[no-untyped-def]
    sqlite_url,
    token,
) -> None:
    """A deployment that forgot ENV=production (so: development) gives nothing away."""
    from aiohttp.test_utils import TestClient, TestServer

    from entrypoints.containers import Container
    from entrypoints.http.app import create_app

    settings = test_settings(env="development", database_url=sqlite_url, payments_sandbox=False)
    assert not settings.uses_payment_sandbox and not settings.payments_are_enabled
    with pytest.raises(ConfigurationError, match="PAYMENTS_SANDBOX=true"):
        test_settings(payments_sandbox=False, payments_enabled=True).check_production_safety()
    client = TestClient(TestServer(create_app(Container(config=settings))))
    await client.start_server()
    try:
        for path in ("/dev/checkout", "/dev/checkout/order_X"):
            assert (await client.get(path)).status == 404
        r = await client.post(
            "/api/v1/payments/create-order", json={"planId": "plan_pro"}, headers=bearer(token())
        )
        assert r.status == 403 and (await r.json())["error"]["code"] == "PAYMENTS_DISABLED"
    finally:
        await client.close()


async def test_payments_disabled_refuses_orders_and_verification(
    test_settings,
    sqlite_url,
    token,  # type: ignore[no-untyped-def]
) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    from entrypoints.containers import Container
    from entrypoints.http.app import create_app

    container = Container(config=test_settings(database_url=sqlite_url, payments_enabled=False))
    client = TestClient(TestServer(create_app(container)))
    await client.start_server()
    try:
        t = token()
        r = await client.post(
            "/api/v1/payments/create-order", json={"planId": "plan_pro"}, headers=bearer(t)
        )
        assert r.status == 403 and (await r.json())["error"]["code"] == "PAYMENTS_DISABLED"
        r = await client.post(
            "/api/v1/payments/verify",
            headers=bearer(t),
            json={
                "razorpay_order_id": "order_A",
                "razorpay_payment_id": "pay_A",
                "razorpay_signature": "x",
            },
        )
        assert r.status == 403 and (await r.json())["error"]["code"] == "PAYMENTS_DISABLED"
        assert (await client.get("/api/v1/plans")).status == 200
    finally:
        await client.close()


async def test_paying_checks_the_token_first_and_never_captures_twice(app_client, token) -> None:  # type: ignore[no-untyped-def]
    t = token()
    created = await app_client.post(
        "/api/v1/payments/create-order", json={"planId": "plan_pro"}, headers=bearer(t)
    )
    order_id = (await created.json())["data"]["orderId"]
    paid = f"/dev/checkout/{order_id}/pay"

    async def order() -> dict:  # type: ignore[type-arg]
        r = await app_client.get(f"/dev/checkout/{order_id}/order")
        assert r.status == 200
        return (await r.json())["data"]

    # a typo in the token, no token, someone else's token: refused before the gateway is touched
    assert (await app_client.post(paid, headers=bearer(t[:-3] + "xyz"))).status == 401
    assert (await app_client.post(paid)).status == 401
    r = await app_client.post(paid, headers=bearer(token()))
    assert r.status == 404 and (await r.json())["error"]["code"] == "NOT_FOUND"
    assert (await order())["attempts"] == 0 and (await order())["status"] == "created"

    first = await (await app_client.post(paid, headers=bearer(t))).json()
    again = await (await app_client.post(paid, headers=bearer(t))).json()
    assert again == first  # the one capture, handed back
    assert (await order()) | {"orderId": None} == {
        "orderId": None,
        "status": "paid",
        "amount": 49900,
        "amountPaid": 49900,
        "attempts": 1,
    }
    declined = await app_client.post(f"{paid}?outcome=failed", headers=bearer(t))
    assert declined.status == 409
    r = await app_client.post("/api/v1/payments/verify", json=first, headers=bearer(t))
    assert r.status == 200
    detail = await app_client.get(
        f"/api/v1/payments/{(await r.json())['data']['paymentId']}", headers=bearer(t)
    )
    payment = (await detail.json())["data"]
    assert payment["status"] == "COMPLETED" and payment["flags"] == []
    assert [e["type"] for e in payment["events"]].count("CAPTURED") == 1
