"""One spend statement per wallet in flight: those arriving meanwhile go together in the next.

A wallet's row lock serialises its spends inside PostgreSQL: each holds the lock from its UPDATE
to the end of its commit (the WAL flush), so one wallet takes at most one spend per commit, and
more connections only queue more backends on that lock (ADR 0124). ``WalletBatches`` keeps that
queue in this process instead: the first spend of a wallet runs its statement at once; spends of
the same wallet that arrive before it ends wait, and when it ends they go in one statement
(``BATCH_SPEND_SQL``), under one lock and one commit. Spends of other wallets never wait.

Each spend is still its own ledger transaction with its own key, answer and announcement; a
batch only shares the commit. A spend the batch does not post (its key was used, the wallet
could not cover it after the ones before it, a promotional lot is due) and every spend of a
batch whose statement failed run their own statement instead, which answers as for any spend.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

Spend = tuple[Any, ...]  # ``fast_path.spend_arguments``: the wallet first, the key fourth
WALLET, KEY = 0, 3

#: The most spends one statement carries (its arrays stay small; the rest wait for the next).
MOST_PER_STATEMENT = 64


class RunAlone(Exception):
    """The batch this spend was in did not answer for it: run its own statement."""


@dataclass(eq=False)
class _Waiting:
    spend: Spend
    answer: asyncio.Future[int | None]


class WalletBatches:
    """``spend(args)`` answers the balance after the spend, or None when it posted nothing."""

    def __init__(
        self,
        run_one: Callable[[Spend], Awaitable[int | None]],
        run_many: Callable[[Sequence[Spend]], Awaitable[list[int | None]]],
        most: int = MOST_PER_STATEMENT,
    ) -> None:
        self._run_one = run_one
        self._run_many = run_many
        self._most = most
        # A wallet with a statement in flight → the spends waiting for the next one.
        self._busy: dict[str, list[_Waiting]] = {}
        self._running: set[asyncio.Task[None]] = set()

    async def spend(self, args: Spend) -> int | None:
        wallet = args[WALLET]
        waiting_list = self._busy.get(wallet)
        if waiting_list is None:  # nothing in flight for this wallet: run now
            self._busy[wallet] = []
            try:
                return await self._run_one(args)
            finally:
                self._next(wallet)
        waiting = _Waiting(args, asyncio.get_running_loop().create_future())
        waiting_list.append(waiting)
        return await waiting.answer  # a cancelled waiter is left out of the batch

    def _next(self, wallet: str) -> None:
        """The statement in flight for ``wallet`` ended: start the next with what waits."""
        batch: list[_Waiting] = []
        later: list[_Waiting] = []
        keys: set[str] = set()
        for waiting in self._busy[wallet]:
            if waiting.answer.done():
                continue
            if len(batch) < self._most and waiting.spend[KEY] not in keys:
                keys.add(waiting.spend[KEY])  # one key twice in a statement: the second waits
                batch.append(waiting)
            else:
                later.append(waiting)
        if not batch:
            del self._busy[wallet]
            return
        self._busy[wallet] = later
        task = asyncio.get_running_loop().create_task(self._run(wallet, batch))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, wallet: str, batch: list[_Waiting]) -> None:
        try:
            if len(batch) == 1:
                await _answer_one(batch[0], self._run_one)
            else:
                await _answer_many(batch, self._run_many)
        except asyncio.CancelledError:  # shutting down: no next statement from here
            for waiting in self._busy.pop(wallet):
                _settle(waiting, RunAlone())
            raise
        self._next(wallet)


async def _answer_one(waiting: _Waiting, run_one: Callable[[Spend], Awaitable[int | None]]) -> None:
    try:
        balance = await run_one(waiting.spend)
    except asyncio.CancelledError:
        _settle(waiting, RunAlone())
        raise
    except Exception as exc:  # noqa: BLE001 - the spend's own error, raised where it waits
        _settle(waiting, exc)
    else:
        _settle(waiting, balance)


async def _answer_many(
    batch: list[_Waiting],
    run_many: Callable[[Sequence[Spend]], Awaitable[list[int | None]]],
) -> None:
    try:
        balances = await run_many([waiting.spend for waiting in batch])
    except asyncio.CancelledError:
        for waiting in batch:
            _settle(waiting, RunAlone())
        raise
    except Exception:  # noqa: BLE001 - whatever failed, each spend's own statement will say
        for waiting in batch:
            _settle(waiting, RunAlone())
        return
    for waiting, balance in zip(batch, balances, strict=True):
        _settle(waiting, balance)


def _settle(waiting: _Waiting, outcome: int | BaseException | None) -> None:
    if waiting.answer.done():  # its request was cancelled meanwhile
        return
    if isinstance(outcome, BaseException):
        waiting.answer.set_exception(outcome)
    else:
        waiting.answer.set_result(outcome)
