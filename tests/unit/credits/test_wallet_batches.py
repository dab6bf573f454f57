"""WalletBatches (ADR 0124): one statement per wallet in flight; the spends arriving meanwhile
go together in the next, in arrival order; other wallets never wait; a failed batch sends each
spend to its own statement."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from adapters.sqlalchemy.repositories.credits.wallet_batches import RunAlone, WalletBatches


def spend(wallet: str, key: str, amount: int = 1) -> tuple[Any, ...]:
    return (wallet, amount, f"tx-{key}", key)


class Statements:
    """Scripted statements: each one waits until the test lets it finish."""

    def __init__(self) -> None:
        self.ran: list[list[str]] = []  # the keys of each statement, in the order they started
        self.gates: list[asyncio.Event] = []
        self.fail_many: BaseException | None = None

    async def _started(self, keys: list[str]) -> None:
        gate = asyncio.Event()
        self.ran.append(keys)
        self.gates.append(gate)
        await gate.wait()

    async def one(self, args: tuple[Any, ...]) -> int | None:
        await self._started([args[3]])
        if args[3].startswith("refused"):
            return None
        if args[3].startswith("broken"):
            raise ValueError(args[3])
        return 100 - args[1]

    async def many(self, spends: Sequence[tuple[Any, ...]]) -> list[int | None]:
        await self._started([s[3] for s in spends])
        if self.fail_many is not None:
            raise self.fail_many
        return [None if s[3].startswith("refused") else 100 - i for i, s in enumerate(spends)]

    def finish(self, index: int) -> None:
        self.gates[index].set()


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def behind_a_first(
    batches: WalletBatches, keys: Sequence[str]
) -> tuple[asyncio.Task[int | None], list[asyncio.Task[int | None]]]:
    """Spend "a" of wallet "w" (its statement starts), then ``keys`` of the same wallet."""
    first = asyncio.create_task(batches.spend(spend("w", "a")))
    await settle()
    waiting = [asyncio.create_task(batches.spend(spend("w", k))) for k in keys]
    await settle()
    return first, waiting


@pytest.fixture
def statements() -> Statements:
    return Statements()


@pytest.fixture
def batches(statements: Statements) -> WalletBatches:
    return WalletBatches(statements.one, statements.many)


async def test_a_lone_spend_runs_at_once_and_leaves_nothing_behind(statements, batches):
    task = asyncio.create_task(batches.spend(spend("w", "a")))
    await settle()
    assert statements.ran == [["a"]]
    statements.finish(0)
    assert await task == 99
    assert batches._busy == {}


async def test_spends_arriving_meanwhile_go_together_in_arrival_order(statements, batches):
    first, later = await behind_a_first(batches, ("b", "c", "refused-d"))
    assert statements.ran == [["a"]]  # they wait for the statement in flight
    statements.finish(0)
    await settle()
    assert statements.ran == [["a"], ["b", "c", "refused-d"]]
    statements.finish(1)
    assert await first == 99
    assert [await t for t in later] == [100, 99, None]  # None: its own statement decides
    assert batches._busy == {}


async def test_other_wallets_never_wait(statements, batches):
    hot = asyncio.create_task(batches.spend(spend("hot", "a")))
    await settle()
    other = asyncio.create_task(batches.spend(spend("cold", "b")))
    await settle()
    assert statements.ran == [["a"], ["b"]]
    statements.finish(1)
    assert await other == 99
    assert not hot.done()
    statements.finish(0)
    assert await hot == 99


async def test_one_waiting_spend_runs_its_own_statement_and_gets_its_own_error(statements, batches):
    first = asyncio.create_task(batches.spend(spend("w", "a")))
    await settle()
    broken = asyncio.create_task(batches.spend(spend("w", "broken")))
    await settle()
    statements.finish(0)
    await settle()
    assert statements.ran == [["a"], ["broken"]]
    statements.finish(1)
    await first
    with pytest.raises(ValueError, match="broken"):
        await broken


async def test_a_key_twice_waits_for_the_next_statement(statements, batches):
    first, waiting = await behind_a_first(batches, ("b", "b", "c"))
    statements.finish(0)
    await settle()
    assert statements.ran[1] == ["b", "c"]
    statements.finish(1)
    await settle()
    assert statements.ran[2] == ["b"]
    statements.finish(2)
    await asyncio.gather(first, *waiting)
    assert batches._busy == {}


async def test_most_per_statement_and_the_rest_follow(statements):
    batches = WalletBatches(statements.one, statements.many, most=2)
    first, waiting = await behind_a_first(batches, "bcd")
    statements.finish(0)
    await settle()
    statements.finish(1)
    await settle()
    statements.finish(2)
    await asyncio.gather(first, *waiting)
    assert statements.ran == [["a"], ["b", "c"], ["d"]]


async def test_a_failed_batch_sends_each_spend_to_its_own_statement(statements, batches):
    statements.fail_many = ConnectionResetError("gone")
    first, waiting = await behind_a_first(batches, "bc")
    statements.finish(0)
    await settle()
    statements.finish(1)
    for task in waiting:
        with pytest.raises(RunAlone):
            await task
    await first
    assert batches._busy == {}


async def test_a_cancelled_waiter_is_left_out(statements, batches):
    first = asyncio.create_task(batches.spend(spend("w", "a")))
    await settle()
    gone = asyncio.create_task(batches.spend(spend("w", "b")))
    kept = asyncio.create_task(batches.spend(spend("w", "c")))
    await settle()
    gone.cancel()
    await settle()
    statements.finish(0)
    await settle()
    assert statements.ran == [["a"], ["c"]]
    statements.finish(1)
    assert await kept == 99
    await first


async def test_a_cancelled_first_spend_still_starts_the_next(statements, batches):
    first = asyncio.create_task(batches.spend(spend("w", "a")))
    await settle()
    waiting = asyncio.create_task(batches.spend(spend("w", "b")))
    await settle()
    first.cancel()  # its request ran out of time mid-statement
    await settle()
    assert statements.ran == [["a"], ["b"]]
    statements.finish(1)
    assert await waiting == 99
    assert batches._busy == {}
