"""Idempotency-Key records on every adapter: a live claim is returned, an abandoned or expired one
is taken over, a completed one replays, a release frees only an unfinished claim."""

from __future__ import annotations

from datetime import timedelta

from application.ports.idempotency import IdempotencyRecord, StoredResponse
from tests.integration.contract_builders import NOW


def record(key: str, *, at=NOW, ttl=timedelta(hours=1)) -> IdempotencyRecord:
    return IdempotencyRecord("user-1", key, "fp-" + key, at, at + ttl)


async def test_claim_complete_replay_release_and_purge(contract_uow):
    stale = NOW - timedelta(minutes=5)
    async with contract_uow() as u:
        assert await u.idempotency.claim(record("a"), now=NOW, stale_before=stale) is None
        assert await u.idempotency.claim(record("b"), now=NOW, stale_before=stale) is None
        await u.commit()
    async with contract_uow() as u:
        held = await u.idempotency.claim(record("a"), now=NOW, stale_before=stale)
        assert held is not None and held.response is None and held.fingerprint == "fp-a"
        await u.idempotency.complete("user-1", "a", StoredResponse(201, b'{"ok":1}'))
        await u.idempotency.release("user-1", "b")
        await u.commit()
    async with contract_uow() as u:
        done = await u.idempotency.claim(record("a"), now=NOW, stale_before=stale)
        assert done is not None and done.response == StoredResponse(201, b'{"ok":1}')
        await u.idempotency.release("user-1", "a")  # completed: kept
        assert await u.idempotency.claim(record("b"), now=NOW, stale_before=stale) is None
        await u.commit()
    later = NOW + timedelta(minutes=10)  # "b" (unfinished) is abandoned by now
    async with contract_uow() as u:
        assert (
            await u.idempotency.claim(record("b", at=later), now=later, stale_before=later) is None
        )
        assert await u.idempotency.claim(record("a"), now=later, stale_before=later) is not None
        assert await u.idempotency.purge_expired(NOW + timedelta(hours=1)) == 1
        await u.commit()
    async with contract_uow() as u:
        gone = await u.idempotency.claim(record("a"), now=later, stale_before=stale)
        assert gone is None  # purged, so claimed afresh
