"""Payments latency on PostgreSQL (a script, not a test): webhook acknowledgement and checkout.

Runs the real app (aiohttp, full middleware stack) against the fake Razorpay on a throwaway
database and prints p50/p99 for: (a) POST /webhooks/v1/razorpay (verify + store + outbox, the
"answer fast" path) at 32 concurrent deliveries; (b) create-order; (c) verify (gateway fetch +
settlement + PURCHASE in one transaction). Usage: .venv/bin/python bench/payments.py [N]
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp.test_utils import TestClient, TestServer

from adapters.dev_identity.dev_tokens import issue_dev_token
from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from entrypoints.http.request_state import CONTAINER
from tests.fixtures.databases import PostgresDatabases
from tests.fixtures.fake_razorpay import FakeRazorpay

SECRET = "bench-secret-" + "x" * 40


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


async def timed(samples: list[float], call: Any) -> Any:
    start = time.perf_counter()
    result = await call
    samples.append(time.perf_counter() - start)
    return result


async def run(n: int, url: str, tmp: Path) -> None:
    fake = FakeRazorpay()
    await fake.start()
    settings = Settings(
        env="test",
        database_url=url,
        var_dir=tmp,
        dev_auth_secret=SECRET,
        rate_limit_default="1000000/minute",
        log_level="ERROR",
        razorpay_key_id=fake.key_id,
        razorpay_key_secret=fake.key_secret,
        razorpay_webhook_secret=fake.webhook_secret,
        razorpay_base_url=fake.base_url,
    )
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(Container(config=settings))))
    await client.start_server()
    logging.disable(logging.INFO)  # the access log would dominate the measurement
    try:
        tokens = [
            issue_dev_token(SECRET, f"b{i}-{uuid.uuid4().hex[:6]}@example.com") for i in range(n)
        ]
        auth = [{"Authorization": f"Bearer {t}"} for t in tokens]
        await asyncio.gather(*(client.get("/api/v1/profile", headers=h) for h in auth))
        create: list[float] = []
        orders = []
        sem = asyncio.Semaphore(16)

        async def order(h: dict[str, str]) -> Any:
            async with sem:
                r = await timed(
                    create,
                    client.post(
                        "/api/v1/payments/create-order", json={"planId": "plan_pro"}, headers=h
                    ),
                )
                return (await r.json())["data"]

        orders = await asyncio.gather(*(order(h) for h in auth))
        paid = [fake.pay(o["orderId"]) for o in orders]
        hooks = [fake.webhook("payment.captured", payment=fake.payments[p["id"]]) for p in paid]
        serial: list[float] = []
        for hook in hooks[:50]:  # one at a time: the floor of the acknowledgement path
            await timed(
                serial,
                client.post(
                    "/webhooks/v1/razorpay",
                    data=hook.body,
                    headers={**hook.headers, "X-Razorpay-Event-Id": "s-" + hook.event_id},
                ),
            )
        acks: list[float] = []
        wsem = asyncio.Semaphore(32)

        async def deliver(hook: Any) -> None:
            async with wsem:
                r = await timed(
                    acks, client.post("/webhooks/v1/razorpay", data=hook.body, headers=hook.headers)
                )
                assert r.status == 200

        t0 = time.perf_counter()
        await asyncio.gather(*(deliver(h) for h in hooks))
        webhook_rate = len(hooks) / (time.perf_counter() - t0)
        verify: list[float] = []

        async def check(h: dict[str, str], o: dict[str, Any], p: dict[str, Any]) -> None:
            async with sem:
                body = {
                    "razorpay_order_id": o["orderId"],
                    "razorpay_payment_id": p["id"],
                    "razorpay_signature": fake.checkout_signature(o["orderId"], p["id"]),
                }
                r = await timed(
                    verify, client.post("/api/v1/payments/verify", json=body, headers=h)
                )
                assert r.status == 200, await r.text()

        await asyncio.gather(*(check(h, o, p) for h, o, p in zip(auth, orders, paid, strict=True)))
        print(f"payments bench on PostgreSQL, n={n} (2 shared cores, fake Razorpay on loopback)")
        for name, samples in (
            ("webhook ack (serial)", serial),
            ("webhook ack (32 conc.)", acks),
            ("create-order (16 conc.)", create),
            ("verify (16 conc.)", verify),
        ):
            print(
                f"  {name:<24} p50 {pct(samples, 0.5):7.1f} ms   p99 {pct(samples, 0.99):7.1f} ms"
                f"   mean {statistics.mean(samples) * 1000:7.1f} ms"
            )
        print(f"  webhook acks/s          {webhook_rate:7.0f}")
    finally:
        await client.close()
        await client.server.app[CONTAINER].infrastructure.payment_gateway().close()
        await fake.stop()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    dbs = PostgresDatabases()
    dbs.create_template()
    try:
        url = dbs.fresh()
        tmp = Path("var") / "bench-payments"
        tmp.mkdir(parents=True, exist_ok=True)
        asyncio.run(run(n, url, tmp))
    finally:
        dbs.drop_all()


if __name__ == "__main__":
    main()
