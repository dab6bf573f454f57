"""The sandbox gateway's state file: what a restarted (or second) process sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.razorpay.sandbox import SandboxGateway
from application.payments.signatures import is_valid_checkout_signature
from application.ports.payment_gateway import GatewayRejected


async def _order(gateway: SandboxGateway) -> str:
    order = await gateway.create_order(
        amount=49_900, currency="INR", receipt="r1", notes={"a": "b"}
    )
    return order.id


async def test_a_new_instance_over_the_same_file_knows_everything(tmp_path: Path) -> None:
    state = tmp_path / "var" / "sandbox_gateway.json"
    first = SandboxGateway(state_file=state)
    order_id = await _order(first)
    pay_id, signature = first.complete_checkout(order_id)
    await first.refund(pay_id, amount=100, idempotency_key="k1", notes={})

    restarted = SandboxGateway(state_file=state)
    assert restarted.key_secret == first.key_secret  # old checkout signatures still verify
    assert is_valid_checkout_signature(
        order_id=order_id, payment_id=pay_id, signature=signature, key_secret=restarted.key_secret
    )
    order = await restarted.fetch_order(order_id)
    assert (order.status, order.amount_paid, dict(order.notes)) == ("paid", 49_900, {"a": "b"})
    assert [p.id for p in await restarted.fetch_order_payments(order_id)] == [pay_id]
    assert [r.amount for r in await restarted.fetch_refunds(pay_id)] == [100]
    again = await restarted.refund(pay_id, amount=100, idempotency_key="k1", notes={})
    assert len(await restarted.fetch_refunds(pay_id)) == 1 and again.amount == 100
    assert state.stat().st_mode & 0o777 == 0o600


async def test_two_live_instances_share_one_account(tmp_path: Path) -> None:
    """The API and a worker process each have their own instance over the same file."""
    state = tmp_path / "sandbox_gateway.json"
    api, worker = SandboxGateway(state_file=state), SandboxGateway(state_file=state)
    order_id = await _order(api)
    pay_id, _ = worker.complete_checkout(order_id)
    assert (await api.fetch_payment(pay_id)).captured
    assert api.complete_checkout(order_id)[0] == pay_id  # paid: the same capture, not a second


async def test_without_a_file_it_lives_in_memory() -> None:
    gateway = SandboxGateway()
    order_id = await _order(gateway)
    assert (await gateway.fetch_order(order_id)).id == order_id
    with pytest.raises(GatewayRejected):
        await SandboxGateway().fetch_order(order_id)
