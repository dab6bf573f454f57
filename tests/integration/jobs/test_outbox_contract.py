"""The outbox on every adapter: dedupe keys, claims in order, dispatch marks."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.unit.jobs.fakes import Probe

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


async def test_outbox_dedupes_and_claims_in_order(contract_uow):
    async with contract_uow() as u:
        assert await u.outbox.add(Probe(n=1, dedupe_key="k")) is not None
        assert await u.outbox.add(Probe(n=2, dedupe_key="k")) is None
        await u.outbox.add(Probe(n=3))
        await u.commit()
    async with contract_uow() as u:
        claimed = await u.outbox.claim_pending(10, NOW)
        assert [m.payload["n"] for m in claimed] == [1, 3]
        await u.outbox.mark_dispatched([m.id for m in claimed], NOW)
        await u.commit()
    async with contract_uow() as u:
        assert await u.outbox.claim_pending(10, NOW) == []
        assert await u.outbox.oldest_pending_at() is None
